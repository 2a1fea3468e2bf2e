# airflow3 (Airflow 3.1): tries call the API server; a busy UI overloads it for ten minutes.
run tiny-airflow3.yaml --quiet --out "$OUT"
