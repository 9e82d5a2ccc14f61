#!/usr/bin/env python3
"""The sample article's rows where `claimscan annotate` and the team's labels differ.

The labels issue asks that at most 10 of the sample article's 85 body sentences be ones a
checker would dispute, and that no boilerplate, link-list or call-to-action row carry a claim
label. This compares an annotate run over the article with the team's labels
(data/news/labels.tsv, sample rows; their character offsets are in data/news/items.tsv) by
span, and prints every row that differs with the team's (the checker's) label, after the
four-way macro-F1 and accuracy over all the team's rows it matched.

    target/release/claimscan annotate ../shared/data/corpus/russia-iran-treaty.txt \
        [--labels accurate] --quiet -o OUT
    python3 scripts/sample_disputes.py OUT

A body sentence is a row of block `body` or `list` that the team labelled a claim (not none).
"""
import argparse
import csv
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", help="the annotate output folder (holds sentences.csv)")
    args = parser.parse_args()
    with open(os.path.join(ROOT, "data", "news", "items.tsv"), encoding="utf-8") as f:
        items = {r["item_id"]: r for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
                 if r["source"] == "sample"}
    with open(os.path.join(ROOT, "data", "news", "labels.tsv"), encoding="utf-8") as f:
        gold = {r["item_id"]: r["label"] for r in csv.DictReader(f, delimiter="\t")
                if r["item_id"] in items}
    path = os.path.join(args.out, "sentences.csv")
    try:
        with open(path, encoding="utf-8") as f:
            rows = {(int(r["start"]), int(r["end"])): r for r in csv.DictReader(f)}
    except OSError as e:
        sys.exit(f"{path}: {e} (run claimscan annotate on the sample article first)")
    unmatched, body, disputes, layout, pairs = [], 0, [], [], []
    for item_id in sorted(items):
        start, end = map(int, items[item_id]["ref"].split(":"))
        row = rows.get((start, end))
        if row is None:
            unmatched.append(item_id)
            continue
        pairs.append((gold[item_id], row["label"]))
        is_body = row["block"] in ("body", "list") and gold[item_id] != "none"
        body += is_body
        if row["label"] != gold[item_id]:
            entry = (item_id, gold[item_id], row["label"], row["block"], row["text"])
            (disputes if is_body else layout).append(entry)
    claims_on_boilerplate = [r for r in rows.values()
                             if r["block"] == "boilerplate" and r["label"] != "none"]
    print(f"{len(items) - len(unmatched)} of {len(items)} team rows matched by span; "
          f"{body} body sentences, {len(disputes)} labelled differently")
    print(f"boilerplate rows with a claim label: {len(claims_on_boilerplate)}")
    f1s = []
    for label in ("fact", "speculation", "opinion", "none"):
        tp = sum(g == label and p == label for g, p in pairs)
        wrong = sum((g == label) != (p == label) for g, p in pairs)
        f1s.append(2 * tp / (2 * tp + wrong) if tp else 0.0)
    accuracy = sum(g == p for g, p in pairs) / max(len(pairs), 1)
    print(f"all matched rows: 4-way macro-F1 {sum(f1s) / 4:.4f}, accuracy {accuracy:.4f}")
    print("\nitem\tchecker\tannotate\tblock\ttext")
    for item_id, want, got, block, text in disputes + layout:
        print(f"{item_id}\t{want}\t{got}\t{block}\t{text[:100]}")
    if unmatched:
        print(f"\nnot found by span: {' '.join(unmatched)}")


if __name__ == "__main__":
    main()
