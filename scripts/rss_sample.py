#!/usr/bin/env python3
"""Runs a command and samples its resident memory, to see how peak RSS comes about.

ru_maxrss (what /usr/bin/time and run.json report) gives only the single highest value; this
reads VmRSS of the command and its children from /proc every --interval milliseconds and
prints the wall time, the number of samples and the max / 99th percentile / median in MB, so
a short spike can be told apart from a level that grows with the input.

Usage: rss_sample.py [--interval MS] [--trace FILE] -- COMMAND [ARGS...]
  e.g. scripts/rss_sample.py -- target/release/claimscan annotate bench-out/corpus/10x \
           --threads 2 --quiet -o /tmp/out
--trace writes one "seconds MB" line per sample.
"""

import argparse
import os
import subprocess
import sys
import time


def tree_rss_mb(root_pid):
    """VmRSS of root_pid and all its descendants, in MB (0 if it is gone)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                # The command name may hold spaces; fields after its closing ")" are fixed.
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total_kb, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total_kb += int(line.split()[1])
                        break
        except OSError:
            pass
    return total_kb / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--interval", type=float, default=20, help="milliseconds between samples (default 20)")
    ap.add_argument("--trace", help="write every sample here")
    ap.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    args = ap.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        ap.error("no command given (put it after --)")

    start = time.perf_counter()
    proc = subprocess.Popen(command)
    samples = []
    while proc.poll() is None:
        samples.append((time.perf_counter() - start, tree_rss_mb(proc.pid)))
        time.sleep(args.interval / 1000)
    wall = time.perf_counter() - start
    if args.trace:
        with open(args.trace, "w") as f:
            f.writelines(f"{t:.3f} {mb:.1f}\n" for t, mb in samples)
    values = sorted(mb for _, mb in samples if mb > 0) or [0.0]
    pick = lambda q: values[min(len(values) - 1, int(len(values) * q))]
    print(f"rss_sample: exit {proc.returncode}, {wall:.1f} s, {len(values)} samples, "
          f"max {values[-1]:.0f} MB, p99 {pick(0.99):.0f} MB, p50 {pick(0.5):.0f} MB", file=sys.stderr)
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
