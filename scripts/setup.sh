#!/usr/bin/env bash
# Installs the system packages Passmith needs on Debian/Ubuntu: to build (OpenSSL headers), to run
# the designer (GL/X11 libraries), and to test (openssl CLI as the signature judge, fonts for the
# preview's Japanese/Arabic fallback, Xvfb for the window smoke test, PostgreSQL for the server).
# Also installs cargo-fuzz from crates.io, which the fuzz smoke test (scripts/fuzz-smoke.sh) uses,
# and aiosmtpd from PyPI, the SMTP server the `passmith mail` tests send to.
# Safe to run again: only missing packages are installed.
set -euo pipefail

pkgs=(
  pkg-config libssl-dev openssl                                    # build + signature checks
  libgl1 libegl1 libgl1-mesa-dri libxkbcommon-x11-0                # the designer window
  xvfb xauth                                                       # window smoke test on a virtual display
  fonts-dejavu-core fonts-ipafont-gothic                           # preview fallback fonts (Arabic/Hebrew, Japanese)
  postgresql                                                       # passmith-server tests against PostgreSQL
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}"
fi

# The fuzz smoke test's runner; pinned so a new cargo-fuzz release cannot change CI under us.
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --version 0.13.2 --locked
fi

# passmith mail's tests send to a real SMTP server, aiosmtpd from PyPI, run by
# tests/support/smtp_sink.py. It goes into a venv in the target folder (where the tests look for
# it, see aiosmtpd_python in tests/util.rs), so a Python whose pip refuses system-wide installs
# ("externally managed environment") works too. Pinned like cargo-fuzz.
venv="${CARGO_TARGET_DIR:-target}/tmp/aiosmtpd-venv"
if ! "$venv/bin/python" -c "import aiosmtpd" >/dev/null 2>&1; then
  python3 -m venv "$venv" || {
    # Debian's own python3 needs its venv package for that.
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv
    python3 -m venv --clear "$venv"
  }
  "$venv/bin/python" -m pip install --quiet aiosmtpd==1.4.6
fi
