#!/usr/bin/env python3
"""Print the batch benchmark's results side by side, from the JSON files batch.sh leaves in a
results folder (each one is optional: a part that was not run shows as "not run").

    report.py RESULTS_DIR [--json]

Files: meta.json (rows, jobs, folder, load averages), passmith.json (passmith's --json summary),
passmith-run.json (rss.py: wall time, peak RSS), passmith-verify.json, rss-floor.json, disk.json,
rsa.json, pkg.json, pkg-verify.json. passmith's rate is rows over the wall time of the whole
process (start-up, reading the design and the CSV, signing, writing, fsync); the rate passmith
reports itself is shown next to it.
"""

import json
import os
import sys

GOAL_LIMIT = 0.80  # passmith at least 80 % of min(RSA, disk)
GOAL_PKG = 60.0  # passmith at least 60 times passkit-generator
GOAL_RSS_MB = 200.0  # peak RSS under 200 MB for 10,000 rows


def load(d, name):
    try:
        with open(os.path.join(d, name), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def failed_count(summary):
    failed = summary.get("failed", 0)
    return len(failed) if isinstance(failed, list) else int(failed or 0)


def main() -> int:
    if len(sys.argv) not in (2, 3) or (len(sys.argv) == 3 and sys.argv[2] != "--json"):
        print("usage: report.py RESULTS_DIR [--json]", file=sys.stderr)
        return 2
    d = sys.argv[1]
    meta = load(d, "meta.json") or {}
    summary, run, pver = load(d, "passmith.json"), load(d, "passmith-run.json"), load(d, "passmith-verify.json")
    floor, disk, rsa = load(d, "rss-floor.json"), load(d, "disk.json"), load(d, "rsa.json")
    pkg, kver = load(d, "pkg.json"), load(d, "pkg-verify.json")

    res = {"rows": meta.get("rows"), "jobs": meta.get("jobs"), "folder": meta.get("folder"),
           "filesystem": meta.get("filesystem")}
    pm_rate = None
    if summary and run:
        written = int(summary.get("written", 0))
        pm_rate = written / run["seconds"] if run["seconds"] > 0 else None
        res["passmith"] = {
            "written": written, "failed": failed_count(summary),
            "wall_seconds": run["seconds"], "passes_per_second": round(pm_rate, 1),
            "reported_seconds": summary.get("seconds"),
            "reported_passes_per_second": summary.get("passes_per_second"),
            "peak_rss_mib": round(run["max_rss_kb"] / 1024, 1),
            "peak_rss_mb": round(run["max_rss_kb"] * 1024 / 1e6, 1),
        }
        if floor:
            res["passmith"]["rss_launcher_floor_mib"] = round(floor["max_rss_kb"] / 1024, 1)
    if pver:
        res["passmith_verify"] = pver
    if rsa:
        res["rsa_sign_per_second"] = rsa["sign_per_second"]
        res["rsa_command"] = rsa["command"]
    if disk:
        res["disk"] = disk
    limits = {}
    if rsa:
        limits["RSA"] = rsa["sign_per_second"]
    if disk:
        limits["disk"] = disk["files_per_second"]
    if limits:
        which = min(limits, key=limits.get)
        res["physical_limit"] = {"per_second": limits[which], "bound_by": which,
                                 "complete": len(limits) == 2}
    if pkg:
        res["passkit_generator"] = pkg
    if kver:
        res["passkit_generator_verify"] = kver
    if pm_rate and len(limits) == 2:
        res["ratio_to_limit"] = round(pm_rate / res["physical_limit"]["per_second"], 3)
    if pm_rate and pkg and pkg.get("passes_per_second"):
        res["ratio_to_passkit_generator"] = round(pm_rate / pkg["passes_per_second"], 1)
    res["load_average"] = {"before": meta.get("load_before"), "after": meta.get("load_after")}

    if len(sys.argv) == 3:
        print(json.dumps(res, indent=2, ensure_ascii=False))
        return 0

    def goal(ok):
        return "ok" if ok else "MISSED"

    lines = []

    def row(name, value, note=""):
        lines.append(f"  {name:<38} {value:<20} {note}".rstrip())

    nr = "not run"
    print(f"passmith batch benchmark: StoreCard sample, {meta.get('rows')} rows, "
          f"{meta.get('jobs')} jobs, in {meta.get('folder')} ({meta.get('filesystem')})")
    pm = res.get("passmith")
    if pm:
        own = pm.get("reported_passes_per_second")
        row("passmith batch", f"{pm['passes_per_second']:.1f} passes/s",
            f"{pm['written']} passes, {pm['failed']} failed, {pm['wall_seconds']:.2f} s wall"
            + (f" (its own summary: {own} passes/s)" if own is not None else ""))
    else:
        row("passmith batch", nr)
    if rsa:
        row(f"RSA limit (openssl speed -multi {rsa['jobs']})",
            f"{rsa['sign_per_second']:.1f} sign/s",
            f"rsa2048, {rsa['seconds']} s, {rsa.get('openssl', '').split(' (')[0]}")
    else:
        row("RSA limit (openssl speed rsa2048)", nr)
    if disk:
        row("disk limit (tmp name, rename, fsync)", f"{disk['files_per_second']:.1f} files/s",
            f"{disk['files']} x {disk['bytes_per_file']} B, {disk['mb_per_second']:.0f} MB/s, "
            f"{disk['seconds']:.2f} s ({disk['fsync_seconds']:.2f} s of it fsync), "
            f"{disk['threads']} threads")
    else:
        row("disk limit (tmp name, rename, fsync)", nr)
    if "physical_limit" in res:
        pl = res["physical_limit"]
        row("physical limit = min(RSA, disk)", f"{pl['per_second']:.1f} passes/s",
            f"bound by {pl['bound_by']}" + ("" if pl["complete"] else " (only one limit measured)"))
    if "ratio_to_limit" in res:
        r = res["ratio_to_limit"]
        row("passmith / physical limit", f"{r * 100:.1f} %",
            f"goal >= {GOAL_LIMIT * 100:.0f} %: {goal(r >= GOAL_LIMIT)}")
    if pkg:
        row(f"passkit-generator 3.6.1 ({pkg['written']} rows)",
            f"{pkg['passes_per_second']:.1f} passes/s", f"{pkg['seconds']:.2f} s, 1 Node process")
    else:
        row("passkit-generator 3.6.1", nr)
    if "ratio_to_passkit_generator" in res:
        r = res["ratio_to_passkit_generator"]
        row("passmith / passkit-generator", f"{r:.1f} x", f"goal >= {GOAL_PKG:.0f} x: {goal(r >= GOAL_PKG)}")
    if pm:
        note = f"goal < {GOAL_RSS_MB:.0f} MB"
        if meta.get("rows") != 10000:
            note += " (for 10,000 rows)"
        note += f": {goal(pm['peak_rss_mb'] < GOAL_RSS_MB)}"
        if "rss_launcher_floor_mib" in pm:
            note += f"; includes the launcher's {pm['rss_launcher_floor_mib']:.0f} MiB floor"
        row("peak RSS of passmith batch", f"{pm['peak_rss_mib']:.1f} MiB ({pm['peak_rss_mb']:.0f} MB)", note)
    checks = []
    for label, v in (("passmith", pver), ("passkit-generator", kver)):
        if v:
            checks.append(f"{label} {v['verified']}/{v['sampled']}")
    if checks:
        sizes = [f"{label} {v['average_bytes']} B"
                 for label, v in (("passmith", pver), ("passkit-generator", kver)) if v]
        row("verified (cms, manifest, row values)", ", ".join(checks),
            "average .pkpass: " + ", ".join(sizes))
    for label, v in (("passmith", pver), ("passkit-generator", kver)):
        if v and v.get("other_file_count"):
            row(f"other files left by {label}", str(v["other_file_count"]),
                ", ".join(v["other_files"][:3]) + (" ..." if v["other_file_count"] > 3 else ""))
    row("load average before / after", f"{meta.get('load_before')} / {meta.get('load_after')}",
        f"{os.cpu_count()} CPUs")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
