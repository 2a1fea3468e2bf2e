# Assets: DAGs started by their assets' events, on airflow2 and airflow3; a consumer deployed late
# reads every event so far in its first run.
run tiny-assets.yaml --quiet --out "$OUT"
