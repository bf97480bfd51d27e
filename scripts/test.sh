#!/usr/bin/env bash
# The test command: installs what the tests need, starts a local PostgreSQL on 127.0.0.1 for the
# server's suite, then runs every test in the workspace. Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Exports PASSMITH_TEST_POSTGRES_URL, so the server's suite also runs against PostgreSQL. Starting
# the Debian cluster needs root; without it the suite runs on SQLite only (or set the URL yourself).
if [ -n "${PASSMITH_TEST_POSTGRES_URL:-}" ]; then
  :
elif [ "$(id -u)" -eq 0 ]; then
  source crates/passmith-server/scripts/ci-postgres.sh
else
  echo "note: not root, so PostgreSQL is not started; passmith-server's tests run on SQLite only" >&2
fi
cargo test --workspace "$@"
