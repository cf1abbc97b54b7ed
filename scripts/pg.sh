# A private, throwaway PostgreSQL cluster for the tests (initdb + pg_ctl on a free port).
# Sourced by scripts/test when PORTAL_TEST_DATABASE_URL is not set; stopped and removed on exit.

pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$dir" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> 安装 PostgreSQL (installing PostgreSQL server binaries)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null; }
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  fi
  [ -n "$dir" ] || { echo "找不到 PostgreSQL (no PostgreSQL binaries under /usr/lib/postgresql)" >&2; return 1; }
  echo "$dir"
}

as_pg_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_private_pg() {
  local bindir port
  bindir=$(pg_bindir)
  PG_TMP=$(mktemp -d /tmp/portal-pg.XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres "$PG_TMP"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_pg_owner "$bindir/initdb" -D "$PG_TMP/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >"$PG_TMP/initdb.log" 2>&1 ||
    { cat "$PG_TMP/initdb.log" >&2; return 1; }
  as_pg_owner "$bindir/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -o \
    "-p $port -k $PG_TMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null
  PG_CTL="$bindir/pg_ctl"
  trap stop_private_pg EXIT
  export PORTAL_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$port/postgres"
  echo "==> 临时 PostgreSQL 已启动 (private PostgreSQL on port $port)"
}

stop_private_pg() {
  as_pg_owner "$PG_CTL" -D "$PG_TMP/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_TMP"
}
