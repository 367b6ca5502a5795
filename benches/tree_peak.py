#!/usr/bin/env python3
"""Runs a command and prints "SECONDS PEAK_KB": its wall time and the peak
proportional set size (PSS) of it and its children (talkposter's workers),
sampled every 50 ms. Used by bench.sh.

One process that reads /proc itself: a shell loop forking `ps` and `awk`
for every sample took about a fifth of a core, which the measured batch
lost on a 2-core machine.

    benches/tree_peak.py COMMAND [ARGS...]   (its output goes to /dev/null)
"""
import os
import subprocess
import sys
import time


def children(pid):
    """The pids of `pid`'s children (all its threads'), from /proc."""
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(p) for p in f.read().split()]
    except OSError:
        pass
    return out


def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    start = time.perf_counter()
    proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        total = pss_kb(proc.pid) + sum(pss_kb(c) for c in children(proc.pid))
        peak = max(peak, total)
        time.sleep(0.05)
    print(f"{time.perf_counter() - start:.3f} {peak}")


if __name__ == "__main__":
    main()
