#!/usr/bin/env bash
# The pgbench cross-check of `schedlab calibrate` (and, before that command existed, the source of
# the shipped calibration): starts a throwaway PostgreSQL 15, creates Airflow 1.10's schema, fills it with history at three
# sizes, times each query shape with pgbench (single client, simple protocol: psycopg2 sends
# literal SQL, so Airflow pays parse and plan on every query) and fits the
# coefficients (bench/fit_calibration.py). Each shape is timed in ROUNDS interleaved runs of
# SECONDS each and the median kept, so a noisy moment does not become a coefficient.
# Besides time, it measures what the buffer-cache model needs: the 8 KiB pages each shape touches
# (EXPLAIN (ANALYZE, BUFFERS)) at each size, and what reading a page that is not in memory costs
# on this machine's disk (random index lookups after the server restarted and the OS page cache
# dropped its files, with track_io_timing on).
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
  # Pages each shape touches (hit + read), for a few DAGs, on the freshly vacuumed tables (before
  # the timing rounds' UPDATEs leave dead row versions behind); statements run inside a
  # rolled-back transaction so UPDATEs and DELETEs leave the data as it was.
  for q in "$here"/pg/queries/*.sql; do
    name=$(basename "$q" .sql)
    sql=$(grep -v '^\\set\|^--\|^BEGIN;$\|^ROLLBACK;$' "$q")
    for d in 3 41 97 150 199; do
      read -r hit read _ < <(printf 'BEGIN;\nEXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) %s\nROLLBACK;\n' "$sql" |
        psql -At -v ON_ERROR_STOP=1 -v d=$d -v j=$d -v runs=$runs -v dags=$dags | "$here/pg/plan_buffers.py")
      printf 'pages\t%s\t%s\t%s\n' "$tis" "$name" $(( hit + read )) >> "$data"
    done
  done
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
# Cold reads: restart the server (empty shared buffers), drop its files from the OS page cache,
# then look up 2,000 random task instances by job_id; I/O read time over pages read is the cost
# of one page from disk. Three times, median kept.
for round in 1 2 3; do
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null
  /usr/bin/python3 -c '
import os, sys
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        fd = os.open(os.path.join(root, f), os.O_RDONLY)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        os.close(fd)' "$PG_DIR/data/base"
  pg_server_start -c track_io_timing=on
  read -r hit read io_ms < <(psql -At -v ON_ERROR_STOP=1 -c "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)
      SELECT count(*) FROM task_instance WHERE job_id = ANY (ARRAY(
        SELECT d * 100000 + (1 + (random() * ($runs - 2))::int) * 100 + 1 + (random() * ($tasks - 1))::int
        FROM generate_series(1, $dags) d, generate_series(1, 10)))" | "$here/pg/plan_buffers.py")
  echo "  cold read round $round: $read pages from disk in $io_ms ms" >&2
  printf 'cold\t%s\t%s\n' "$read" "$io_ms" >> "$data"
done
version=$(psql -Atq -c "SHOW server_version")
/usr/bin/python3 "$here/fit_calibration.py" "$data" "$out" \
  --command "bench/calibrate-pgbench.sh (pgbench -M simple -c 1 -T $secs, median of $rounds rounds, per query and size)" \
  --postgres "$version" --machine "$(uname -m), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
rm -f "$data"
