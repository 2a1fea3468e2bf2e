run tiny-split.yaml --quiet --out "$OUT"
