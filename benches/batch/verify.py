#!/usr/bin/env python3
"""Check that a batch run made real passes, and measure them; print one JSON object.

    verify.py OUT_DIR ROWS.csv WWDR.pem [--rows N] [--sample K]

- OUT_DIR holds exactly one `<serial>.pkpass` for each of the first N rows of ROWS.csv (default:
  all of them), and no other .pkpass (other files are listed in `other_files`, apart from a manifest.csv and
  .pkpasses bundles; they are not an error);
- for K of them (default 20: the first, the last and evenly spaced ones in between):
  - every file in the zip is listed in manifest.json with its SHA-1, and the manifest lists no
    file that is missing;
  - `openssl cms -verify -binary -inform DER -in signature -content manifest.json -CAfile WWDR.pem
    -purpose any` succeeds;
  - pass.json carries the row: serialNumber, barcodes[0].message and the `member` field's value,
    and the test identity (pass.com.example.passmith, TEAM123456).
The JSON has `count`, `average_bytes` (over all the passes), `verified` and `errors`; the exit code
is 1 when anything failed.
"""

import argparse
import csv
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile


def check_pass(path, row, wwdr, tmp):
    """The problems found in one .pkpass (an empty list when it is good)."""
    problems = []
    try:
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if not n.endswith("/")]
            files = {n: z.read(n) for n in names}
    except (zipfile.BadZipFile, OSError) as e:
        return [f"not a readable zip: {e}"]
    for need in ("pass.json", "manifest.json", "signature"):
        if need not in files:
            problems.append(f"no {need}")
    if problems:
        return problems
    try:
        manifest = json.loads(files["manifest.json"])
    except ValueError as e:
        return [f"manifest.json is not JSON: {e}"]
    for name, data in files.items():
        if name in ("manifest.json", "signature"):
            continue
        want = manifest.get(name)
        if want is None:
            problems.append(f"{name} is not in the manifest")
        elif hashlib.sha1(data).hexdigest() != str(want).lower():
            problems.append(f"{name}'s SHA-1 does not match the manifest")
    for name in manifest:
        if name not in files:
            problems.append(f"the manifest lists {name}, which is not in the zip")

    sig, man = os.path.join(tmp, "signature"), os.path.join(tmp, "manifest.json")
    with open(sig, "wb") as f:
        f.write(files["signature"])
    with open(man, "wb") as f:
        f.write(files["manifest.json"])
    r = subprocess.run(
        ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", sig, "-content", man,
         "-CAfile", wwdr, "-purpose", "any", "-out", os.devnull],
        capture_output=True, text=True)
    if r.returncode != 0:
        problems.append("openssl cms -verify failed: " + r.stderr.strip().replace("\n", " | "))

    try:
        pj = json.loads(files["pass.json"])
    except ValueError as e:
        return problems + [f"pass.json is not JSON: {e}"]
    expect = {
        "serialNumber": (pj.get("serialNumber"), row["serialNumber"]),
        "barcode": (((pj.get("barcodes") or [{}])[0]).get("message"), row["barcode"]),
        "member": (next((f.get("value") for f in pj.get("storeCard", {}).get("secondaryFields", [])
                         if f.get("key") == "member"), None), row["name"]),
        "passTypeIdentifier": (pj.get("passTypeIdentifier"), "pass.com.example.passmith"),
        "teamIdentifier": (pj.get("teamIdentifier"), "TEAM123456"),
    }
    for what, (got, want) in expect.items():
        if got != want:
            problems.append(f"{what} is {got!r}, expected {want!r}")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description="verify a sample of a batch's passes")
    ap.add_argument("out_dir")
    ap.add_argument("csv")
    ap.add_argument("wwdr")
    ap.add_argument("--rows", type=int, default=None)
    ap.add_argument("--sample", type=int, default=20)
    a = ap.parse_args()

    with open(a.csv, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    if a.rows is not None:
        rows = rows[: a.rows]
    errors = []
    present = {n for n in os.listdir(a.out_dir) if n.endswith(".pkpass")}
    expected = {r["serialNumber"] + ".pkpass" for r in rows}
    missing = sorted(expected - present)
    extra = sorted(present - expected)
    if missing:
        errors.append(f"{len(missing)} passes missing, e.g. {missing[:3]}")
    if extra:
        errors.append(f"{len(extra)} unexpected .pkpass files, e.g. {extra[:3]}")
    # Anything else in the folder (passmith also writes a manifest.csv) is listed, so that a
    # leftover temporary file shows up.
    others = sorted(n for n in os.listdir(a.out_dir)
                    if not n.endswith((".pkpass", ".pkpasses")) and n != "manifest.csv")
    sizes = [os.path.getsize(os.path.join(a.out_dir, n)) for n in present]

    k = min(a.sample, len(rows))
    picks = sorted({round(i * (len(rows) - 1) / (k - 1)) for i in range(k)}) if k > 1 else [0]
    verified = 0
    with tempfile.TemporaryDirectory(prefix="passmith-verify-") as tmp:
        for i in picks[:k] if rows else []:
            row = rows[i]
            name = row["serialNumber"] + ".pkpass"
            if name not in present:
                continue
            problems = check_pass(os.path.join(a.out_dir, name), row, a.wwdr, tmp)
            if problems:
                errors.append(f"{name} (row {i + 1}): " + "; ".join(problems))
            else:
                verified += 1
    print(json.dumps({
        "count": len(present),
        "expected": len(rows),
        "average_bytes": round(sum(sizes) / len(sizes)) if sizes else 0,
        "verified": verified,
        "sampled": len(picks) if rows else 0,
        "other_files": others[:10],
        "other_file_count": len(others),
        "errors": errors,
    }, ensure_ascii=False))
    return 1 if errors or verified == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
