#!/usr/bin/env bash
# Installs what building and testing seatctl needs and this machine lacks:
#   - SQLite's development files (GRDB links the system SQLite),
#   - PostgreSQL's server programs (the tests start a throwaway server),
#   - Python's jsonschema and PyYAML (the schema tests' independent validator).
# Safe to run again: it installs only what is missing. Debian or Ubuntu;
# installing needs root (or sudo).
set -euo pipefail

as_root() {
  if [[ "$(id -u)" == 0 ]]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else
    echo "error: installing $* needs root; run this script as root or install the packages yourself" >&2
    exit 1
  fi
}

missing=()
dpkg -s libsqlite3-dev >/dev/null 2>&1 || missing+=(libsqlite3-dev)
dpkg -s postgresql >/dev/null 2>&1 || missing+=(postgresql)
if ((${#missing[@]})); then
  echo "installing ${missing[*]}"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

if ! python3 -c 'import jsonschema, yaml' >/dev/null 2>&1; then
  echo "installing Python's jsonschema and PyYAML"
  # A system Python that refuses pip (PEP 668) gets Debian's packages instead.
  python3 -m pip install --quiet jsonschema pyyaml \
    || { as_root apt-get update && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-jsonschema python3-yaml; }
fi
