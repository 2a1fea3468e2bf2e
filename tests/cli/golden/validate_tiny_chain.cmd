validate tiny-chain.yaml
