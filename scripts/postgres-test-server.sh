#!/usr/bin/env bash
# A throwaway PostgreSQL server for seatctl's tests, on 127.0.0.1 only,
# in a temporary directory, run by an unprivileged user.
#
#   scripts/postgres-test-server.sh start   # prints `export SEATCTL_TEST_POSTGRES_URL=…`
#   scripts/postgres-test-server.sh stop    # stops it and removes its directory
#   scripts/postgres-test-server.sh url     # prints the URL of the running server
#
# Typical use:  eval "$(scripts/postgres-test-server.sh start)" && swift test
#
# Needs PostgreSQL's server programs (Debian: apt-get install -y postgresql).
# As root it runs the server as the `postgres` system user the package
# creates; otherwise as the current user. Settings (environment):
#   SEATCTL_PG_DIR   where the cluster lives (default /tmp/seatctl-test-postgres)
#   SEATCTL_PG_PORT  the TCP port on 127.0.0.1 (default 55432)
set -euo pipefail

dir="${SEATCTL_PG_DIR:-/tmp/seatctl-test-postgres}"
port="${SEATCTL_PG_PORT:-55432}"
database="seatctl_test"
user="seatctl"
url="postgres://${user}@127.0.0.1:${port}/${database}?sslmode=disable"

bin_dir() {
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -z "$found" || ! -x "$found/initdb" ]]; then
    echo "error: PostgreSQL's server programs are not installed (initdb not found under /usr/lib/postgresql/*/bin)" >&2
    echo "  hint: apt-get install -y postgresql" >&2
    exit 1
  fi
  echo "$found"
}

# Runs a command as the unprivileged server user.
as_server_user() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local bin
  bin="$(bin_dir)"
  if [[ -e "$dir/data/postmaster.pid" ]]; then
    echo "error: a server already runs in $dir; stop it first ($0 stop)" >&2
    exit 1
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  chmod 700 "$dir"
  if [[ "$(id -u)" == 0 ]]; then chown postgres:postgres "$dir"; fi
  as_server_user "$bin/initdb" -D "$dir/data" -U "$user" --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  # TCP on loopback only; the Unix socket stays inside $dir.
  as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-k $dir -h 127.0.0.1 -p $port -c fsync=off -c max_connections=200" start >/dev/null || {
    cat "$dir/server.log" >&2
    exit 1
  }
  as_server_user "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$user" "$database"
  echo "export SEATCTL_TEST_POSTGRES_URL='$url'"
}

stop() {
  local bin
  bin="$(bin_dir)"
  if [[ -e "$dir/data/postmaster.pid" ]]; then
    as_server_user "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$url" ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 1 ;;
esac
