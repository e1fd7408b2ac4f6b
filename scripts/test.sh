#!/usr/bin/env bash
# Runs seatctl's whole test suite, the PostgreSQL tests included:
# installs what is missing (scripts/setup.sh), starts a throwaway PostgreSQL
# server on 127.0.0.1 in a temporary directory, runs `swift test` with any
# arguments given (e.g. `--filter Billing`), and stops the server on exit.
#
# With SEATCTL_TEST_POSTGRES_URL already set, that server is used instead.
# CI=true makes every test that needs an outside program (PostgreSQL,
# the JSON Schema validator) fail rather than skip when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

if [[ -z "${SEATCTL_TEST_POSTGRES_URL:-}" ]]; then
  SEATCTL_PG_DIR="$(mktemp -d /tmp/seatctl-test-postgres.XXXXXX)"
  # A free port, so a developer's own server (or another run) is never hit.
  SEATCTL_PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  export SEATCTL_PG_DIR SEATCTL_PG_PORT
  trap 'scripts/postgres-test-server.sh stop' EXIT
  eval "$(scripts/postgres-test-server.sh start)"
  echo "PostgreSQL test server at ${SEATCTL_TEST_POSTGRES_URL}"
fi

swift test "$@"
