#!/usr/bin/env bash
# A short fuzzing smoke test (about 60 s in all): builds every cargo-fuzz target in fuzz/ on the
# stable toolchain (RUSTC_BOOTSTRAP=1, no sanitizer: nightly cannot be fetched here) and runs each
# one from the committed corpus for a few seconds (512 MB; 2 s per input, twice the campaign limit
# of 1 s, so a busy machine cannot fail CI with a false hang).
# A crash, panic, hang or OOM fails the run and leaves the input in a temporary artifacts folder.
# Longer campaigns: see fuzz/README.md. Usage: scripts/fuzz-smoke.sh [seconds per target]
set -euo pipefail
cd "$(dirname "$0")/.."
per_target="${1:-12}"
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz smoke: cargo-fuzz is not installed; run scripts/setup.sh (it installs it from crates.io)" >&2
  exit 1
fi
export RUSTC_BOOTSTRAP=1
cargo fuzz build --sanitizer none
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bin="${CARGO_TARGET_DIR:-fuzz/target}/x86_64-unknown-linux-gnu/release"
for target in $(cargo fuzz list); do
  mkdir -p "$work/$target/corpus" "$work/$target/artifacts"
  echo "fuzz smoke: $target for ${per_target}s"
  # New inputs go to the scratch corpus (first folder); the committed one is only read.
  seeds=()
  [ -d "fuzz/corpus/$target" ] && seeds=("fuzz/corpus/$target")
  "$bin/$target" "$work/$target/corpus" "${seeds[@]}" \
    -max_total_time="$per_target" -timeout=2 -rss_limit_mb=512 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$work/$target/artifacts/" 2>&1 |
    grep -E '^(stat::number_of_executed_units|INFO: (seed corpus|-max_len))|ERROR|SUMMARY|panicked' || true
  if [ -n "$(ls -A "$work/$target/artifacts")" ]; then
    echo "fuzz smoke: $target found a problem:" >&2
    ls -l "$work/$target/artifacts" >&2
    exit 1
  fi
done
echo "fuzz smoke: every target ran without a finding"
