#!/usr/bin/env bash
# Batch export benchmark (issue 11, "Speed and memory"). For the StoreCard sample
# (tests/fixtures/apple-samples/StoreCard.pass, its own images, about 290 KB a pass) it measures,
# in one run on this machine, and prints side by side:
#   1. `passmith batch` passes/s for ROWS rows (default 10000), each row with its own
#      serialNumber, barcode message and member name (wall time of the whole process, which
#      ends after passmith has fsync'ed every file and the folder);
#   2. the RSA limit: `openssl speed -multi <jobs> rsa2048` sign/s;
#   3. the disk limit: as many files of the average size of passmith's .pkpass files, each
#      written to a temporary name in the folder and renamed, then every file and the folder
#      fsync'ed (benches/batch/disk.py), in files/s;
#   4. the physical limit, min(RSA, disk), and passmith's share of it (goal >= 80 %);
#   5. passkit-generator 3.6.1 (from npm) on the first PKG_ROWS rows (default 300) of the same
#      CSV, with the same design folder and identity (benches/batch/passkit-generator.cjs), and
#      passmith's ratio to it (goal >= 60x);
#   6. passmith's peak RSS (goal < 200 MB for 10,000 rows), from wait4's ru_maxrss;
#   7. a check that the passes are real: for a sample of passmith's (and passkit-generator's)
#      outputs, `openssl cms -verify` against the test CA, the manifest's SHA-1s, and the row's
#      values in pass.json (benches/batch/verify.py).
# The design (benches/batch/make_design.py) is a copy of the sample with the test identity,
# "{{serialNumber}}", a `barcodes` entry with "{{barcode}}", a secondary field `member` =
# "{{name}}", and without webServiceURL/authenticationToken. It is signed with
# tests/fixtures/certs/test-pass.p12 (password test-password) and the test WWDR CA.
#
#   benches/batch.sh [--json] [--only passmith,rsa,disk,pkg]
#
# Environment:
#   ROWS=10000          rows for passmith (and the disk limit's file count)
#   PKG_ROWS=300        rows for passkit-generator (it makes about 12 passes/s)
#   JOBS=2*$(nproc)     passmith --jobs (its own default: two per core, so one signs while the
#                       other waits on the disk) and the disk limit's writer threads (the same
#                       number, so both get the same I/O parallelism)
#   RSA_JOBS=$(nproc)   openssl speed -multi
#   PASSMITH_BIN=path   use this passmith instead of building one; otherwise
#                       `cargo build --release --bin passmith` into CARGO_TARGET_DIR
#                       (default /var/tmp/passmith-bench-target)
#   BENCH_DIR=/var/tmp  where the temporary folder goes: it must be on the disk being measured
#                       (not a tmpfs) and hold ROWS x 300 KB (about 3 GB for 10,000 rows)
#   RSA_SECONDS=5       openssl speed's time per operation (sign, then verify)
#   VERIFY_SAMPLE=20    passmith passes to verify (5 of passkit-generator's)
#   PKPASS_BYTES=290000 file size for the disk limit when passmith is not part of the run
#
# --only runs some parts (passmith includes the verification and peak RSS); --json prints the
# results as one JSON object instead of the table. passkit-generator is installed with
# `npm install --no-save` into benches/batch/node_modules (gitignored) when it is not there yet.
# Needs python3, openssl, and node/npm for the passkit-generator part. The numbers depend on what
# else the machine runs: the load average before and after is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
HERE=$ROOT/benches/batch

die() { echo "benches/batch.sh: $*" >&2; exit 1; }
say() { echo "== $*" >&2; }

json=0
only=passmith,rsa,disk,pkg
while [ $# -gt 0 ]; do
  case "$1" in
    --json) json=1 ;;
    --only) [ $# -ge 2 ] || die "--only needs a list, e.g. --only rsa,disk"; only=$2; shift ;;
    --only=*) only=${1#--only=} ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (try --help)" ;;
  esac
  shift
done
IFS=, read -r -a parts <<<"$only"
for p in "${parts[@]}"; do
  case "$p" in passmith|rsa|disk|pkg) ;; *) die "--only: unknown part '$p' (passmith, rsa, disk, pkg)" ;; esac
done
want() { [[ ",$only," == *",$1,"* ]]; }

ROWS=${ROWS:-10000}
PKG_ROWS=${PKG_ROWS:-300}
JOBS=${JOBS:-$((2 * $(nproc)))}
RSA_JOBS=${RSA_JOBS:-$(nproc)}
RSA_SECONDS=${RSA_SECONDS:-5}
VERIFY_SAMPLE=${VERIFY_SAMPLE:-20}
PKPASS_BYTES=${PKPASS_BYTES:-290000}
BENCH_DIR=${BENCH_DIR:-/var/tmp}
for v in ROWS PKG_ROWS JOBS RSA_JOBS RSA_SECONDS VERIFY_SAMPLE PKPASS_BYTES; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive whole number, not '${!v}'"
done
if want pkg && [ "$PKG_ROWS" -gt "$ROWS" ]; then
  die "PKG_ROWS ($PKG_ROWS) is more than ROWS ($ROWS): passkit-generator takes the first PKG_ROWS rows of the same CSV"
fi

SAMPLE=$ROOT/tests/fixtures/apple-samples/StoreCard.pass
CERTS=$ROOT/tests/fixtures/certs
for f in "$SAMPLE/pass.json" "$CERTS/test-pass.p12" "$CERTS/test-pass.pem" "$CERTS/test-pass.key" "$CERTS/test-wwdr-ca.pem"; do
  [ -f "$f" ] || die "missing $f"
done
command -v python3 >/dev/null || die "python3 is needed"
command -v openssl >/dev/null || die "openssl is needed"
if want pkg; then
  command -v node >/dev/null || die "node is needed for passkit-generator (or leave pkg out of --only)"
  command -v npm >/dev/null || die "npm is needed to install passkit-generator (or leave pkg out of --only)"
fi
if [ ! -d "$BENCH_DIR" ] || [ ! -w "$BENCH_DIR" ]; then
  die "BENCH_DIR $BENCH_DIR is not a writable folder"
fi
fstype=$(df --output=fstype "$BENCH_DIR" 2>/dev/null | tail -n 1 || true)
[ -n "$fstype" ] || fstype=$(stat -f -c %T "$BENCH_DIR")
need=$(( (ROWS > PKG_ROWS ? ROWS : PKG_ROWS) * (PKPASS_BYTES > 300000 ? PKPASS_BYTES : 300000) * 11 / 10 ))
avail=$(df -B1 --output=avail "$BENCH_DIR" 2>/dev/null | tail -n 1 | tr -d ' ' || true)
if [[ $avail =~ ^[0-9]+$ ]] && [ "$avail" -lt "$need" ]; then
  die "BENCH_DIR $BENCH_DIR has $((avail / 1000000)) MB free; $ROWS passes need about $((need / 1000000)) MB (set BENCH_DIR or ROWS)"
fi
[ "$fstype" != tmpfs ] || echo "benches/batch.sh: warning: $BENCH_DIR is a tmpfs; the disk figures will not be a disk's" >&2

# passmith: the given binary, or a release build.
if want passmith; then
  if [ -n "${PASSMITH_BIN:-}" ]; then
    bin=$PASSMITH_BIN
    [ -x "$bin" ] || die "PASSMITH_BIN=$bin is not an executable file"
  else
    command -v cargo >/dev/null || die "cargo is needed to build passmith (or set PASSMITH_BIN)"
    export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/tmp/passmith-bench-target}
    say "cargo build --release --bin passmith (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
    cargo build --release --bin passmith >&2 || die "the release build failed"
    bin=$CARGO_TARGET_DIR/release/passmith
  fi
  "$bin" batch --help >/dev/null 2>&1 || die "$bin has no working 'batch' subcommand ('$bin batch --help' fails)"
fi

# passkit-generator: installed once into benches/batch/node_modules.
if want pkg; then
  pkg_json=$HERE/node_modules/passkit-generator/package.json
  have=$(node -e 'try { console.log(require(process.argv[1]).version) } catch { }' "$pkg_json")
  if [ "$have" != 3.6.1 ]; then
    say "npm install --no-save passkit-generator@3.6.1 (into benches/batch/node_modules)"
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$HERE" passkit-generator@3.6.1 >&2 \
      || die "npm could not install passkit-generator@3.6.1"
  fi
fi

work=$(mktemp -d "$BENCH_DIR/passmith-bench.XXXXXX")
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
res=$work/results
mkdir "$res"

load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime | sed 's/.*load average[s]*: //'; }
load_before=$(load)

say "design and $ROWS rows in $work"
python3 "$HERE/make_design.py" "$SAMPLE" "$work" "$ROWS"
design=$work/StoreCard.pass
csv=$work/rows.csv
printf 'test-password\n' >"$work/pw.txt"

bytes=$PKPASS_BYTES
if want passmith; then
  out=$work/passmith-out
  mkdir "$out"
  python3 -S -I "$HERE/rss.py" "$res/rss-floor.json" -- true
  sync
  say "passmith batch, $ROWS rows, --jobs $JOBS"
  set +e
  python3 -S -I "$HERE/rss.py" "$res/passmith-run.json" -- "$bin" batch "$design" --csv "$csv" \
    --cert "$CERTS/test-pass.p12" --password-file "$work/pw.txt" --wwdr "$CERTS/test-wwdr-ca.pem" \
    -o "$out" --jobs "$JOBS" --json >"$res/passmith.json" 2>"$work/passmith.log"
  code=$?
  set -e
  if [ "$code" -ne 0 ]; then
    echo "passmith batch exited with $code; the end of its output:" >&2
    tail -n 20 "$work/passmith.log" >&2
    head -c 2000 "$res/passmith.json" >&2
    exit 1
  fi
  python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$res/passmith.json" 2>/dev/null \
    || die "passmith batch --json did not print a JSON object: $(head -c 500 "$res/passmith.json")"
  say "verifying $VERIFY_SAMPLE of passmith's passes"
  python3 "$HERE/verify.py" "$out" "$csv" "$CERTS/test-wwdr-ca.pem" --sample "$VERIFY_SAMPLE" \
    >"$res/passmith-verify.json" || die "passmith's passes did not verify: $(cat "$res/passmith-verify.json")"
  bytes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["average_bytes"])' "$res/passmith-verify.json")
  rm -rf "$out"
fi

if want disk; then
  sync
  say "disk limit: $ROWS files of $bytes bytes, tmp name + rename + fsync, $JOBS threads"
  python3 "$HERE/disk.py" "$work" "$ROWS" "$bytes" --threads "$JOBS" >"$res/disk.json"
fi

if want rsa; then
  say "RSA limit: openssl speed -multi $RSA_JOBS -seconds $RSA_SECONDS rsa2048"
  python3 "$HERE/rsa.py" "$RSA_JOBS" "$RSA_SECONDS" >"$res/rsa.json"
fi

if want pkg; then
  say "passkit-generator 3.6.1, $PKG_ROWS rows"
  node "$HERE/passkit-generator.cjs" "$design" "$csv" "$work/pkg-out" "$PKG_ROWS" \
    "$CERTS/test-pass.pem" "$CERTS/test-pass.key" "$CERTS/test-wwdr-ca.pem" >"$res/pkg.json" \
    || die "the passkit-generator run failed"
  python3 "$HERE/verify.py" "$work/pkg-out" "$csv" "$CERTS/test-wwdr-ca.pem" --rows "$PKG_ROWS" --sample 5 \
    >"$res/pkg-verify.json" || die "passkit-generator's passes did not verify: $(cat "$res/pkg-verify.json")"
  rm -rf "$work/pkg-out"
fi

python3 - "$res/meta.json" "$ROWS" "$JOBS" "$BENCH_DIR" "$fstype" "$load_before" "$(load)" <<'EOF'
import json, sys
path, rows, jobs, folder, fs, before, after = sys.argv[1:]
json.dump({"rows": int(rows), "jobs": int(jobs), "folder": folder, "filesystem": fs,
           "load_before": before, "load_after": after}, open(path, "w"))
EOF
if [ "$json" -eq 1 ]; then
  python3 "$HERE/report.py" "$res" --json
else
  python3 "$HERE/report.py" "$res"
fi
