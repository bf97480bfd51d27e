#!/usr/bin/env python3
"""The RSA limit for the batch benchmark: RSA-2048 private-key operations (signatures) per second
on every core, from `openssl speed -multi JOBS -seconds SECONDS rsa2048`; prints one JSON object.

    rsa.py JOBS SECONDS

The parse does not depend on the column layout: it takes the header line that names `sign/s`
(OpenSSL 1.1 and 3.0 print `sign verify sign/s verify/s`, 3.2 and later add encrypt and decrypt
columns) and reads the same column of the `rsa 2048 bits` line. When no such table is found it
falls back to the children's machine-readable `+F2:<index>:2048:<sign/s>:<verify/s>` lines, summed.
"""

import json
import re
import subprocess
import sys


def parse(text):
    lines = text.splitlines()
    header = None
    for line in lines:
        words = line.split()
        if "sign/s" in words:
            header = words
        m = re.match(r"\s*rsa\s+2048\s+bits?\s+(.*)$", line)
        if m and header:
            values = m.group(1).split()
            if len(values) == len(header):
                return float(values[header.index("sign/s")]), "table"
    total, children = 0.0, 0
    for m in re.finditer(r"\+F2:\d+:2048:([0-9.]+):", text):
        total += float(m.group(1))
        children += 1
    if children:
        return total, f"sum of {children} children"
    return None, None


def main() -> int:
    if len(sys.argv) != 3:
        print("usage: rsa.py JOBS SECONDS", file=sys.stderr)
        return 2
    jobs, seconds = int(sys.argv[1]), int(sys.argv[2])
    cmd = ["openssl", "speed", "-seconds", str(seconds)]
    if jobs > 1:
        cmd += ["-multi", str(jobs)]
    cmd.append("rsa2048")
    try:
        r = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:
        print(f"rsa.py: cannot run openssl: {e}", file=sys.stderr)
        return 1
    sign, source = parse(r.stdout + "\n" + r.stderr)
    if r.returncode != 0 or sign is None:
        print(f"rsa.py: `{' '.join(cmd)}` exited with {r.returncode} and no rsa 2048 sign/s "
              f"could be read. Its output:\n{r.stdout}\n{r.stderr}", file=sys.stderr)
        return 1
    version = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
    print(json.dumps({"sign_per_second": sign, "jobs": jobs, "seconds": seconds,
                      "parsed_from": source, "command": " ".join(cmd), "openssl": version}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
