#!/usr/bin/env python3
"""Fits the per-mode class biases of the label stage (models/README.md, "Class biases"):
p' ∝ p · exp(b), b = (0, b_speculation, b_opinion, b_none), on a calibration set no model was
trained on: the team's selection slices 1-5 (annotated as their documents, one sentence per
line) and web slice web1 (annotated as pages).

    python3 scripts/class_bias.py prepare            the slices' documents, one sentence per
                                                     line, in /tmp/class_bias/docs/ (needs the
                                                     five exports of scripts/news_selection.py)
    claimscan annotate /tmp/class_bias/docs --input-format lines --quiet -o OUT [--labels accurate]
    claimscan annotate ../shared/data/html-extraction/html --quiet -o WEB [--labels accurate]
    python3 scripts/class_bias.py fit OUT/sentences.csv WEB/sentences.csv
    python3 scripts/class_bias.py score WEB/sentences.csv SLICE B_SPEC B_OPINION B_NONE
                                                     a web slice with and without the bias,
                                                     applied as the fit applies it

During the fit the bias is applied to the probabilities `annotate` wrote, which come after the
boilerplate, vague-source and document-stage mixes; the label stage applies it before them.
The decision was measured with the bias built into the label stage (a build that was not
kept, models/README.md); `score` gives the same comparison with the fit's approximation.
"""
import csv
import math
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import heading_set  # noqa: E402  (macro-F1)
import web_slice  # noqa: E402  (web1 rows and labels)

WORK = "/tmp/class_bias"
SLICES = ["selection", "selection2", "selection3", "selection4", "selection5"]
LABELS = heading_set.LABELS
GRID = [round(-1.0 + 0.2 * k, 1) for k in range(14)]  # -1.0 .. 1.6
ROUNDS = 3


def prepare():
    docs = []
    for name in SLICES:
        path = f"/tmp/news_selection/{name}.tsv"
        if not os.path.exists(path):
            sys.exit(f"{path} is missing: python3 scripts/news_selection.py export --slice {name} --out {path}")
        with open(path, encoding="utf-8") as f:
            rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
        for r in rows:
            key = (name, r["source"], r["doc"])
            if not docs or docs[-1][0] != key:
                docs.append((key, []))
            docs[-1][1].append((r["text"], r["label"]))
    folder = os.path.join(WORK, "docs")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(WORK, "gold.tsv"), "w", encoding="utf-8") as gold:
        for n, (_, lines) in enumerate(docs):
            stem = f"{n:06d}"
            with open(os.path.join(folder, stem + ".txt"), "w", encoding="utf-8") as f:
                f.write("\n".join(text for text, _ in lines) + "\n")
            for k, (_, label) in enumerate(lines):
                gold.write(f"{stem}\t{k}\t{label}\n")
    print(f"{folder}: {len(docs)} documents", file=sys.stderr)


def slice_rows(path):
    """(gold, row) of every slice sentence, from annotate's output of the prepared documents."""
    by_doc = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            by_doc[os.path.splitext(row["doc_id"])[0]].append(row)
    out = []
    with open(os.path.join(WORK, "gold.tsv"), encoding="utf-8") as f:
        for line in f:
            stem, k, label = line.rstrip("\n").split("\t")
            rows = by_doc.get(stem, [])
            if int(k) >= len(rows):
                sys.exit(f"{stem}: annotate wrote fewer sentences than the document's lines")
            out.append((label, rows[int(k)]))
    return out


def web_rows(path):
    rows = web_slice.rows_of(path)
    gold = web_slice.settled_labels("web1")
    return [(gold[i], heading_set.four_way(rows[i])) for i in gold]


def decide(p, bias):
    return heading_set.most_probable([q * math.exp(b) for q, b in zip(p, bias)])


def score(data, bias):
    return heading_set.macro_f1([g for g, _ in data], [decide(p, bias) for _, p in data])[0]


def fit(slices_csv, web_csv):
    data = [(g, heading_set.four_way(r)) for g, r in slice_rows(slices_csv)] + web_rows(web_csv)
    bias = [0.0, 0.0, 0.0, 0.0]
    start = score(data, bias)
    for _ in range(ROUNDS):
        for k in (1, 2, 3):
            best = max(GRID, key=lambda v: (score(data, bias[:k] + [v] + bias[k + 1:]), -abs(v)))
            bias[k] = best
    print(f"calibration rows {len(data)}: macro-F1 {start:.4f} without, {score(data, bias):.4f} with "
          f"b = {bias} (fact, speculation, opinion, none)")


def score_slice(web_csv, part, bias):
    rows = web_slice.rows_of(web_csv)
    gold = web_slice.settled_labels(part)
    truth = [gold[i] for i in gold]
    for name, b in (("without", [0.0] * 4), ("with", bias)):
        labels = [decide(heading_set.four_way(rows[i]), b) for i in gold]
        print(f"{part} {name} b = {b}: macro-F1 {heading_set.macro_f1(truth, labels)[0]:.4f}")


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "prepare":
        prepare()
    elif len(sys.argv) == 4 and sys.argv[1] == "fit":
        fit(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 7 and sys.argv[1] == "score":
        score_slice(sys.argv[2], sys.argv[3], [0.0] + [float(v) for v in sys.argv[4:7]])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
