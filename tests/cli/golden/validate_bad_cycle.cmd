validate bad-cycle.yaml
