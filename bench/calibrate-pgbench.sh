#!/usr/bin/env bash
# The pgbench cross-check of `schedlab calibrate` (and, before that command existed, the source of
# the shipped calibration): starts a throwaway PostgreSQL 15, creates Airflow 1.10's schema, fills it with history at three
# sizes, times each query shape with pgbench (single client, simple protocol: psycopg2 sends
# literal SQL, so Airflow pays parse and plan on every query) and fits the
# coefficients (bench/fit_calibration.py). Each shape is timed in ROUNDS interleaved runs of
# SECONDS each and the median kept, so a noisy moment does not become a coefficient.
# Time only: pages per query and the cost of a page read from disk are `schedlab calibrate`'s.
# Usage: bench/calibrate-pgbench.sh [OUT.json] [SECONDS] [ROUNDS]   (default out/calibration-pgbench.json)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/../out/calibration-pgbench.json}"
mkdir -p "$(dirname "$out")"
secs="${2:-2}"
rounds="${3:-3}"
source "$here/pg/throwaway-postgres.sh"
pg_start
PB="$PG_BIN/pgbench"
psql -q -v ON_ERROR_STOP=1 -f "$here/pg/airflow-1.10-schema.sql" >/dev/null
data=$(mktemp)
dags=200 tasks=40
for tis in 10000 100000 1000000; do
  echo "populating $tis task instances" >&2
  runs=$(( tis / (dags * tasks) )); [ "$runs" -ge 1 ] || runs=1
  psql -q -v ON_ERROR_STOP=1 -v tis=$tis -v dags=$dags -v tasks=$tasks -v runs=$runs \
    -f "$here/pg/airflow-1.10-populate.sql" >/dev/null
  for round in $(seq 1 "$rounds"); do
    for q in "$here"/pg/queries/*.sql; do
      name=$(basename "$q" .sql)
      lat=$("$PB" -n -M simple -c 1 -T "$secs" -D dags=$dags -D runs=$runs -f "$q" 2>&1 |
            sed -n 's/^latency average = \([0-9.]*\) ms$/\1/p')
      [ -n "$lat" ] || { echo "pgbench failed for $name" >&2; "$PB" -n -M simple -c 1 -t 1 -D dags=$dags -D runs=$runs -f "$q" >&2; exit 1; }
      printf 'latency\t%s\t%s\t%s\n' "$tis" "$name" "$lat" >> "$data"
      echo "  round $round $name: $lat ms" >&2
    done
  done
  psql -Atq -F $'\t' -c "SELECT 'rows', $tis, c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid)
                         FROM pg_class c WHERE c.relname IN ('task_instance','dag_run','job','dag','slot_pool','xcom','log')" >> "$data"
done
version=$(psql -Atq -c "SHOW server_version")
/usr/bin/python3 "$here/fit_calibration.py" "$data" "$out" \
  --command "bench/calibrate-pgbench.sh (pgbench -M simple -c 1 -T $secs, median of $rounds rounds, per query and size)" \
  --postgres "$version" --machine "$(uname -m), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
rm -f "$data"
