#!/usr/bin/env python3
"""Would two entity taggers together beat either alone? A probe over word probabilities.

Reads files of per-word tag probabilities in the format `claimscan eval ner --probabilities`
writes (the word, then nine probabilities in O, B-PER, I-PER, B-ORG, I-ORG, B-LOC, I-LOC,
B-MISC, I-MISC order; a blank line after each sentence), e.g. one from claimscan's MiniLM
model and one from distilbert_ner.py. Averages them word by word with weight W on the second
file, decodes each sentence with BIO-constrained Viterbi over words, drops entities whose mean
type probability is under the threshold, and scores exact spans against the CoNLL file's gold
tags (IOB1 converted to BIO). Prints a row per weight and threshold. Nothing in the product
changes.

Usage: scripts/probes/ensemble_ner.py FIRST SECOND [--conll ../shared/data/ner/eng.testa]
"""

import argparse
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from ner_document_types import read_sentences  # noqa: E402
from train_cased_entities import TAGS, TYPES, read_conll, score, type_probability, viterbi  # noqa: E402


def read_probabilities(path):
    """`eval ner --probabilities` output: per sentence, per word, the nine probabilities."""
    return [[[float(p) for p in fields[1:]] for fields in sentence]
            for sentence in read_sentences(path, "\t")]


def decode(rows, threshold):
    path = viterbi([[math.log(max(p, 1e-12)) for p in row] for row in rows])
    tags = [TAGS[i] for i in path]
    out, i = ["O"] * len(tags), 0
    while i < len(tags):
        if tags[i] == "O":
            i += 1
            continue
        kind, j = tags[i][2:], i + 1
        while j < len(tags) and tags[j] == "I-" + kind:
            j += 1
        confidence = sum(type_probability(rows[k], path[k]) for k in range(i, j)) / (j - i)
        if confidence >= threshold:
            out[i] = "B-" + kind
            for k in range(i + 1, j):
                out[k] = "I-" + kind
        i = j
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("first")
    ap.add_argument("second")
    ap.add_argument("--conll", default=os.path.join(here, "../../../shared/data/ner/eng.testa"))
    ap.add_argument("--weights", default="0,0.3,0.4,0.5,0.6,0.7,1")
    ap.add_argument("--thresholds", default="0,0.5")
    args = ap.parse_args()
    gold = read_conll(args.conll)
    first, second = read_probabilities(args.first), read_probabilities(args.second)
    assert len(first) == len(second) == len(gold), (len(first), len(second), len(gold))
    for weight in [float(w) for w in args.weights.split(",")]:
        for threshold in [float(t) for t in args.thresholds.split(",")]:
            predicted = []
            for a, b in zip(first, second):
                rows = [[(1 - weight) * x + weight * y for x, y in zip(ra, rb)] for ra, rb in zip(a, b)]
                predicted.append(decode(rows, threshold))
            result = score(gold, predicted)
            p, r, f = result["ALL"]
            per_type = " ".join(f"{k} {result[k][2]:.4f}" for k in TYPES)
            print(f"weight {weight:.2f} threshold {threshold:.2f}: P {p:.4f} R {r:.4f} F1 {f:.4f} ({per_type})",
                  flush=True)


if __name__ == "__main__":
    main()
