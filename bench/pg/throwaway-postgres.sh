# Sourced: starts a throwaway PostgreSQL 15 cluster for this shell and stops it on exit.
# Data dir and unix socket in a fresh temp dir owned by postgres, a free loopback port, fsync off.
# After pg_start: PGHOST, PGPORT, PGUSER, PGDATABASE are exported for psql and pgbench.

PG_BIN=/usr/lib/postgresql/15/bin

pg_free_port() {
  local port
  for port in $(seq 55432 55532); do
    if ! (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=
}

# Starts the (initialised, stopped) server, with extra settings if given: "-c name=value ...".
pg_server_start() {
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -l "$PG_DIR/log" start \
    -o "-p $PGPORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off $*" >/dev/null
}

pg_start() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "a throwaway PostgreSQL needs root (initdb runs as the postgres user)" >&2
    return 1
  fi
  PG_DIR=$(mktemp -d /tmp/schedlab-pg-XXXXXX)
  chown postgres: "$PG_DIR"
  trap pg_stop EXIT
  trap 'pg_stop; exit 130' INT TERM
  PGPORT=$(pg_free_port)
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
  pg_server_start
  export PGHOST="$PG_DIR" PGPORT PGUSER=postgres PGDATABASE=postgres
}
