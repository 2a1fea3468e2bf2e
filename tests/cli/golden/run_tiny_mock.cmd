# The mock executor and the performance DAG shapes: each variant ends once its runs have finished.
run tiny-mock.yaml --quiet --out "$OUT"
