#!/usr/bin/env python3
"""Would averaging two opinion heads beat either? A probe over per-sentence probabilities.

Reads two files with one probability of opinion per dev_en.tsv row (in file order), e.g.
`claimscan eval labels --task opinion ../shared/data/subjectivity/dev_en.tsv --probabilities A`
and the file scripts/probes/cased_opinion.py writes with --probabilities, averages them with
weight W on the second, and prints dev macro-F1 at 0.5, at the best threshold on dev itself and
with the threshold cross-fitted on dev's odd and even rows (cased_opinion.py's measures).
Nothing in the product changes.

Usage: scripts/probes/average_opinion.py FIRST SECOND [--dev ../shared/data/subjectivity/dev_en.tsv]
"""

import argparse
import os

from cased_opinion import cross_fitted, in_sample_best, macro_f1, read_tsv


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("first")
    ap.add_argument("second")
    ap.add_argument("--dev", default=os.path.join(here, "../../../shared/data/subjectivity/dev_en.tsv"))
    ap.add_argument("--weights", default="0,0.5,1")
    args = ap.parse_args()
    _, gold = read_tsv(args.dev)
    read = lambda path: [float(line) for line in open(path) if line.strip()]
    a, b = read(args.first), read(args.second)
    assert len(a) == len(b) == len(gold), (len(a), len(b), len(gold))
    for w in [float(x) for x in args.weights.split(",")]:
        probs = [(1 - w) * x + w * y for x, y in zip(a, b)]
        print(f"weight {w:.2f}: macro-F1 {macro_f1(gold, [int(p > 0.5) for p in probs]):.4f} at 0.5, "
              f"{in_sample_best(gold, probs):.4f} at the in-sample best threshold, "
              f"{cross_fitted(probs, gold):.4f} cross-fitted")


if __name__ == "__main__":
    main()
