#!/usr/bin/env bash
# passmith-server's load benchmark next to nginx's static "hello", on 127.0.0.1 only: installs wrk
# and nginx (Debian packages) when missing, then runs crates/passmith-server/benches/load.rs on
# SQLite and, when PostgreSQL can be started (root) or PASSMITH_TEST_POSTGRES_URL is set, on
# PostgreSQL too. It prints req/s, p50, p99 and the ratio to nginx for list-changed, register and
# GET pass (0 and 200,000 registrations), and the push fan-out time to the fake APNs.
#
#   scripts/bench-server.sh [--seconds 10] [--connections 32] [--registrations 100000]
#
# Numbers depend on what else the machine runs: the script prints the load average before and
# after each run. Extra arguments go to the benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || missing+=(nginx)
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # The nginx package would start a system-wide nginx on port 80; the benchmark runs its own on
  # 127.0.0.1 with its own configuration, so keep the package from starting services.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod +x "$policy"
    trap '$sudo rm -f "$policy"' EXIT
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}"
fi

echo "== SQLite"
cargo bench -p passmith-server --bench load -- "$@"

if [ -z "${PASSMITH_TEST_POSTGRES_URL:-}" ] && [ "$(id -u)" -eq 0 ]; then
  source crates/passmith-server/scripts/ci-postgres.sh
fi
if [ -n "${PASSMITH_TEST_POSTGRES_URL:-}" ]; then
  echo "== PostgreSQL"
  cargo bench -p passmith-server --bench load -- --db "$PASSMITH_TEST_POSTGRES_URL" "$@"
else
  echo "note: no PostgreSQL (not root and PASSMITH_TEST_POSTGRES_URL unset); SQLite only" >&2
fi
