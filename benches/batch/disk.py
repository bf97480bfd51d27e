#!/usr/bin/env python3
"""The disk limit for the batch benchmark: write COUNT files of SIZE bytes into DIR the way
`passmith batch` writes its passes, and print one JSON object.

    disk.py DIR COUNT SIZE [--threads N]

The timed steps are passmith's: each file is created under a temporary name in DIR, written in
one piece, closed and renamed to its final name (N writer threads, default: the number of
CPUs); then every file is fsync'ed (N threads) and so is DIR. The time ends when DIR's fsync
returns, so it includes getting the data onto the disk. The files hold random bytes (a .pkpass
is mostly PNGs, which do not compress). Pending writes are flushed (sync) before the clock starts
and the files are removed afterwards (not timed).
"""

import argparse
import json
import os
import shutil
import sys
import threading
import time


def main() -> int:
    ap = argparse.ArgumentParser(description="disk limit: files/s for tmp+rename+fsync writes")
    ap.add_argument("dir")
    ap.add_argument("count", type=int)
    ap.add_argument("size", type=int)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    if a.count < 1 or a.size < 1 or a.threads < 1:
        print("disk.py: COUNT, SIZE and --threads must be positive", file=sys.stderr)
        return 2

    out = os.path.join(a.dir, "disk-bench")
    os.makedirs(out)
    block = os.urandom(a.size)
    names = [os.path.join(out, f"file-{i:07d}.pkpass") for i in range(a.count)]
    errors = []

    def write(part):
        try:
            buf = bytearray(block)
            for i in range(part, a.count, a.threads):
                buf[:8] = i.to_bytes(8, "little")  # every file's content differs
                tmp = os.path.join(out, f".file-{i:07d}.pkpass.tmp")
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                try:
                    view = memoryview(buf)
                    while view:
                        view = view[os.write(fd, view):]
                finally:
                    os.close(fd)
                os.rename(tmp, names[i])
        except OSError as e:
            errors.append(e)

    def sync(part):
        try:
            for i in range(part, a.count, a.threads):
                fd = os.open(names[i], os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        except OSError as e:
            errors.append(e)

    def run(fn):
        ts = [threading.Thread(target=fn, args=(p,)) for p in range(a.threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        if errors:
            raise errors[0]

    try:
        os.sync()
        t0 = time.perf_counter()
        run(write)
        t1 = time.perf_counter()
        run(sync)
        fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        t2 = time.perf_counter()
    except OSError as e:
        print(f"disk.py: writing into {out} failed: {e}", file=sys.stderr)
        shutil.rmtree(out, ignore_errors=True)
        return 1
    shutil.rmtree(out, ignore_errors=True)
    total = t2 - t0
    print(json.dumps({
        "files": a.count,
        "bytes_per_file": a.size,
        "threads": a.threads,
        "seconds": round(total, 3),
        "write_rename_seconds": round(t1 - t0, 3),
        "fsync_seconds": round(t2 - t1, 3),
        "files_per_second": round(a.count / total, 1),
        "mb_per_second": round(a.count * a.size / total / 1e6, 1),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
