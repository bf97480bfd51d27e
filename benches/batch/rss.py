#!/usr/bin/env python3
"""Run a command and report its wall time and peak RSS as one JSON object.

    rss.py REPORT.json -- COMMAND [ARG...]

The command's stdout and stderr pass through unchanged (redirect them as needed). REPORT.json
gets {"exit_code", "seconds", "max_rss_kb"}: seconds is the wall time from just before the
fork to the reaping of the child, and max_rss_kb the child's peak resident set (the kernel's
ru_maxrss for that one child, read with wait4; in KiB on Linux). Exits with the command's exit
code, or 125 when the command could not be started.
"""

import json
import os
import subprocess
import sys
import time


def main() -> int:
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        print("usage: rss.py REPORT.json -- COMMAND [ARG...]", file=sys.stderr)
        return 2
    report, cmd = sys.argv[1], sys.argv[3:]
    t0 = time.perf_counter()
    try:
        pid = os.posix_spawnp(cmd[0], cmd, os.environ)
    except OSError as e:
        print(f"rss.py: cannot run {cmd[0]}: {e}", file=sys.stderr)
        return 125
    # wait4 gives this child's own rusage (RUSAGE_CHILDREN would be the same here, as it is the
    # only child, but wait4 does not depend on that).
    while True:
        try:
            _, status, usage = os.wait4(pid, 0)
            break
        except InterruptedError:
            continue
    seconds = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    if code < 0:  # killed by a signal, as a shell reports it
        code = 128 - code
    with open(report, "w", encoding="utf-8") as f:
        f.write('{"exit_code": %d, "seconds": %.3f, "max_rss_kb": %d}\n'
                % (code, seconds, usage.ru_maxrss))
    return code


if __name__ == "__main__":
    sys.exit(main())
