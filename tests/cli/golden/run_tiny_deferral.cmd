# Deferral: a poking sensor and a job holding their slots, then both deferred to the triggerer
# (airflow2, and airflow3 through the API server).
run tiny-deferral.yaml --quiet --out "$OUT"
