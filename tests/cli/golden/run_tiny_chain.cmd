run tiny-chain.yaml --quiet --out "$OUT"
