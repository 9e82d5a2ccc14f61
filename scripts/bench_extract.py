#!/usr/bin/env python3
"""Main-text extraction side by side: Python trafilatura vs claimscan (the trafilatura crate,
as `annotate --input-format html` runs it) on ../shared/data/html-extraction, single-threaded.

Both are scored with the benchmark's measure (4-token shingles of \\w+ tokens, per-page
precision and recall averaged, F1 of the averages; the same code as `claimscan eval extract`)
and timed on extraction alone (pages already in memory, gunzipped; for claimscan the figure
`eval extract` reports). Run by scripts/bench_extract.sh, which installs trafilatura.

    python3 scripts/bench_extract.py [--bin target/release/claimscan]
"""
import argparse
import gzip
import json
import os
import re
import subprocess
import time
from collections import Counter

import trafilatura

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(os.path.dirname(ROOT), "shared", "data", "html-extraction")
WORD = re.compile(r"\w+")


def shingles(text):
    words = WORD.findall(text or "")
    if len(words) < 4:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i:i + 4]) for i in range(len(words) - 3))


def page_scores(extracted, truth):
    got, want = shingles(extracted), shingles(truth)
    tp = sum((got & want).values())
    fp, fn = sum(got.values()) - tp, sum(want.values()) - tp
    if tp + fp + fn == 0:
        return 1.0, 1.0
    return (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "claimscan"))
    args = p.parse_args()
    truth = json.load(open(os.path.join(DATA, "ground-truth.json")))
    pages = {i: gzip.open(os.path.join(DATA, "html", i + ".html.gz")).read() for i in truth}
    size_mb = sum(len(b) for b in pages.values()) / 1e6
    ps = rs = seconds = 0.0
    for i, raw in pages.items():
        started = time.perf_counter()
        text = trafilatura.extract(raw.decode("utf-8", "replace"), include_comments=False) or ""
        seconds += time.perf_counter() - started
        pp, rr = page_scores(text, truth[i].get("articleBody", ""))
        ps, rs = ps + pp, rs + rr
    n = len(pages)
    tp_, tr_ = ps / n, rs / n
    tf1 = 2 * tp_ * tr_ / (tp_ + tr_)
    out = subprocess.run([args.bin, "eval", "extract", os.path.join(DATA, "html"),
                          os.path.join(DATA, "ground-truth.json")],
                         check=True, capture_output=True, text=True).stdout.strip().splitlines()
    fields = dict(zip(out[-2].split("\t"), out[-1].split("\t")))
    cp, cr, cf1 = float(fields["precision"]), float(fields["recall"]), float(fields["f1"])
    c_mbs = float(fields["MB_per_s"])
    t_mbs = size_mb / seconds
    print("| extractor | pages | precision | recall | F1 | MB/s (1 thread) | speed vs trafilatura |")
    print("|---|---|---|---|---|---|---|")
    print("| Python trafilatura %s | %d | %.4f | %.4f | %.4f | %.1f | 1.00x |"
          % (trafilatura.__version__, n, tp_, tr_, tf1, t_mbs))
    print("| claimscan (trafilatura crate, FavorRecall) | %s | %.4f | %.4f | %.4f | %.1f | %.2fx |"
          % (fields["pages"], cp, cr, cf1, c_mbs, c_mbs / t_mbs))


if __name__ == "__main__":
    main()
