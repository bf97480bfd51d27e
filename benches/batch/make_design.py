#!/usr/bin/env python3
"""Make the batch benchmark's design and CSV.

    make_design.py SAMPLE.pass OUT_DIR ROWS

Writes OUT_DIR/StoreCard.pass/ (a copy of SAMPLE.pass with its own images, and a pass.json
templated for a batch) and OUT_DIR/rows.csv (ROWS rows: serialNumber, barcode, name; every value
distinct). The same folder and CSV feed both passmith and passkit-generator.

Changes to the sample's pass.json:
- passTypeIdentifier/teamIdentifier become the test identity's (pass.com.example.passmith,
  TEAM123456), so tests/fixtures/certs/test-pass.p12 can sign it;
- serialNumber is "{{serialNumber}}";
- the deprecated single `barcode` becomes a one-element `barcodes` array (same format and
  encoding) whose message is "{{barcode}}": passkit-generator only knows `barcodes` and silently
  drops `barcode`, so with the sample's key the two tools would not make the same pass;
- storeCard.secondaryFields gets a field `member` with value "{{name}}";
- webServiceURL and authenticationToken are dropped: the bench measures making signed files, not
  a web service (with a web service set, passmith would also draw a token per row, which
  passkit-generator would not).
Everything else (locations, colours, texts, the balance and deal fields, the five images) is the
sample's, byte for byte for the images.
"""

import csv
import json
import random
import shutil
import sys
from pathlib import Path

FIRST = [
    "Ava", "Liam", "Zoë", "Noah", "Mia", "José", "Emma", "Lucas", "Chloé", "Øyvind", "Sofia",
    "Mateo", "Hannah", "Kenji", "Amélie", "Omar", "Priya", "Jonas", "Léa", "Ethan", "Aiko",
    "Finn", "Nora", "Tomás", "Ingrid", "Yusuf", "Clara", "Mei", "Rafael", "Elif",
]
LAST = [
    "Smith", "García", "Müller", "Rossi", "Nguyen", "Kowalski", "Johansson", "Dubois", "Tanaka",
    "O'Brien", "Silva", "Novák", "Jensen", "Kim", "Fernández", "Schmidt", "Dupont", "Costa",
    "Andersen", "Yılmaz", "Brown", "Lefèvre", "Patel", "Virtanen", "Moreau", "Ivanova",
]


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    sample, out, rows = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    if rows < 1:
        print("make_design.py: ROWS must be at least 1", file=sys.stderr)
        return 2
    design = out / "StoreCard.pass"
    shutil.copytree(sample, design)

    pj = json.loads((sample / "pass.json").read_text(encoding="utf-8"))
    pj["passTypeIdentifier"] = "pass.com.example.passmith"
    pj["teamIdentifier"] = "TEAM123456"
    pj["serialNumber"] = "{{serialNumber}}"
    pj.pop("webServiceURL", None)
    pj.pop("authenticationToken", None)
    old = pj.pop("barcode", None) or {}
    pj["barcodes"] = [{
        "message": "{{barcode}}",
        "format": old.get("format", "PKBarcodeFormatPDF417"),
        "messageEncoding": old.get("messageEncoding", "iso-8859-1"),
    }]
    pj["storeCard"]["secondaryFields"] = [{"key": "member", "label": "Member", "value": "{{name}}"}]
    (design / "pass.json").write_text(json.dumps(pj, indent=2, ensure_ascii=False) + "\n",
                                      encoding="utf-8")

    rng = random.Random(11)
    barcodes = rng.sample(range(10**11, 10**12), rows)  # distinct 12-digit numbers
    with open(out / "rows.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["serialNumber", "barcode", "name"])
        for i in range(rows):
            # Distinct names: a first and last name plus the member number.
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)} #{i + 1}"
            w.writerow([f"SC-{i + 1:07d}", str(barcodes[i]), name])
    return 0


if __name__ == "__main__":
    sys.exit(main())
