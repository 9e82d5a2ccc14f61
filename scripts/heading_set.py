#!/usr/bin/env python3
"""Subheadings of scraped news pages labelled by the team: the rows `claimscan annotate` puts in
a `heading` block after a page's first heading (its title), from the 91 pages of
../shared/data/html-extraction. They test what the labels do with section labels ("Meal
Prep Menu", "Range and Charging"), which assert nothing (docs/labelling.md example 96: none),
and with subheadings, table rows and deal titles that do assert (fact). The rows outside
web3's pages are training rows of the fast layout head, those outside web4's pages (heading
blocks) of the accurate one (models/README.md).

Items (data/heading_set/items.tsv) are references only: the page id, the row's character
offsets in the text claimscan extracts from the page, and a digest of the row's text so that a
changed extractor is caught instead of silently relabelled. Two folds by page (`fold`, a or b,
from a hash of the page id) for cross-fitting. Labels: two independent passes under
docs/labelling.md (labels/pass1/, pass2/), disagreements settled by a third reading
(labels/adjudication.tsv).

    claimscan annotate ../shared/data/html-extraction/html --quiet -o OUT
    python3 scripts/heading_set.py items OUT/sentences.csv       write data/heading_set/items.tsv
    python3 scripts/heading_set.py batches OUT/sentences.csv     each item with the rows around it,
                                                                 for annotators (/tmp/heading_set/)
    python3 scripts/heading_set.py agree OUT/sentences.csv       kappa; disagreements to
                                                                 /tmp/heading_set/disagreements.md
    python3 scripts/heading_set.py export OUT/sentences.csv [--out F]
                                                                 settled labels with text, the
                                                                 model's probabilities and the fold
    python3 scripts/heading_set.py crossfit F                    the none-mix weight of subheadings,
                                                                 chosen on one fold, scored on the
                                                                 other (models/README.md's rule)
"""
import argparse
import csv
import hashlib
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import news_labels  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIR = os.path.join(ROOT, "data", "heading_set")
ITEMS = os.path.join(DIR, "items.tsv")
LABELS_DIR = os.path.join(DIR, "labels")
CONTEXT_ROWS = 3


def digest(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def fold(doc):
    return "ab"[int(hashlib.sha256(("headings:" + doc).encode("utf-8")).hexdigest(), 16) % 2]


def read_rows(path):
    """doc_id -> its rows, in order."""
    docs = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            docs[row["doc_id"]].append(row)
    return docs


def subheadings(docs):
    """(doc_id, row index, row) of every heading row after its page's first heading."""
    out = []
    for doc in sorted(docs):
        seen_title = False
        for k, row in enumerate(docs[doc]):
            if row["block"] != "heading":
                continue
            if seen_title:
                out.append((doc, k, row))
            seen_title = True
    return out


def item_id(doc, row):
    return "h%s-%s" % (hashlib.sha256(doc.encode("utf-8")).hexdigest()[:6], row["start"])


def items(path):
    docs = read_rows(path)
    os.makedirs(DIR, exist_ok=True)
    with open(ITEMS, "w", encoding="utf-8") as f:
        f.write("item_id\tdoc\tstart\tend\tdigest\tfold\n")
        found = subheadings(docs)
        for doc, _, row in found:
            f.write("\t".join([item_id(doc, row), doc, row["start"], row["end"],
                               digest(row["text"]), fold(doc)]) + "\n")
    print(f"{ITEMS}: {len(found)} items", file=sys.stderr)


def read_items():
    with open(ITEMS, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def locate(path):
    """item_id -> (doc rows, row index), checking each row's text against its digest."""
    docs = read_rows(path)
    where = {}
    for it in read_items():
        rows = docs.get(it["doc"], [])
        k = next((k for k, r in enumerate(rows)
                  if r["start"] == it["start"] and r["end"] == it["end"]), None)
        if k is None or digest(rows[k]["text"]) != it["digest"]:
            sys.exit(f"{it['item_id']}: page {it['doc']} has no row at {it['start']}..{it['end']} "
                     "with the stored text; was the extractor changed?")
        where[it["item_id"]] = (rows, k)
    return where


def batches(path):
    where = locate(path)
    its = read_items()
    out = "/tmp/heading_set"
    os.makedirs(out, exist_ok=True)
    half = (len(its) + 1) // 2
    # split between pages, so that each annotator reads a page's headings together
    cut = half
    while 0 < cut < len(its) and its[cut]["doc"] == its[cut - 1]["doc"]:
        cut += 1
    for n, chunk in enumerate([its[:cut], its[cut:]], 1):
        with open(os.path.join(out, f"batch_{n:02d}.md"), "w", encoding="utf-8") as f:
            f.write(f"# Heading batch {n:02d}: {len(chunk)} items\n\n"
                    "Each item is one row of a scraped web page (the line marked >>> <<<), shown "
                    "with the page's title and the rows just before and after it.\n")
            for it in chunk:
                rows, k = where[it["item_id"]]
                title = next(r["text"] for r in rows if r["block"] == "heading")
                f.write(f"\n## {it['item_id']}\n\npage title: {title}\n\n")
                write_context(f, rows, k)
    print(f"{out}: batch_01.md ({cut} items), batch_02.md ({len(its) - cut})", file=sys.stderr)


def read_pass(name):
    return news_labels.read_pass(name, LABELS_DIR)


def settled_labels():
    """item_id -> the settled label of every heading."""
    return news_labels.settled([it["item_id"] for it in read_items()], LABELS_DIR)


def write_context(f, rows, k):
    """Row `k` of a page marked `>>> <<<`, with the rows around it."""
    for j in range(max(0, k - CONTEXT_ROWS), min(len(rows), k + CONTEXT_ROWS + 1)):
        text = " ".join(rows[j]["text"].split())
        f.write((f">>> {text} <<<" if j == k else f"    {text}") + "\n")


def agree(path):
    where = locate(path)
    its = read_items()
    first, second = news_labels.report_agreement([i["item_id"] for i in its], LABELS_DIR)
    os.makedirs("/tmp/heading_set", exist_ok=True)
    with open("/tmp/heading_set/disagreements.md", "w", encoding="utf-8") as f:
        for it in its:
            i = it["item_id"]
            if first[i] != second[i]:
                rows, k = where[i]
                title = next(r["text"] for r in rows if r["block"] == "heading")
                f.write(f"\n## {i}\tlabel A: {first[i]}\tlabel B: {second[i]}\n\npage title: {title}\n\n")
                write_context(f, rows, k)


def export(path, out):
    where = locate(path)
    labels = settled_labels()
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        f.write("item_id\tdoc\tfold\tlabel\tpredicted\tp_fact\tp_speculation\tp_opinion\tp_none\ttext\n")
        for it in read_items():
            i = it["item_id"]
            label = labels[i]
            rows, k = where[i]
            r = rows[k]
            f.write("\t".join([i, it["doc"], it["fold"], label, r["label"], r["p_fact"],
                               r["p_speculation"], r["p_opinion"], r["p_none"],
                               " ".join(r["text"].split())]) + "\n")
    print(f"{out}: {len(where)} rows", file=sys.stderr)


LABELS = ["fact", "speculation", "opinion", "none"]
WEIGHTS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]


def read_export(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def four_way(row):
    """The four probabilities of a sentences.csv row (its claim probabilities are the row read
    as a claim: renormalised without none)."""
    p_none = float(row["p_none"])
    return [(1 - p_none) * float(row[k]) for k in ("p_fact", "p_speculation", "p_opinion")] + [p_none]


def most_probable(p):
    """The label of the highest of four scores, ties to the earlier label (`decide` in
    src/classify/mod.rs)."""
    best = 0
    for k in range(1, 4):
        if p[k] > p[best]:
            best = k
    return LABELS[best]


def mixed_label(row, weight):
    """The label `annotate` gives the row when its four probabilities are mixed toward none
    with `weight` (src/classify/mod.rs: `mixed_toward`, then `decide`)."""
    p = [q * (1 - weight) + (weight if k == 3 else 0.0) for k, q in enumerate(four_way(row))]
    return most_probable(p)


def macro_f1(gold, predicted):
    f1s = []
    for label in LABELS:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s), f1s


def best_weight(rows):
    gold = [r["label"] for r in rows]
    scored = [(macro_f1(gold, [mixed_label(r, w) for r in rows])[0], -w, w) for w in WEIGHTS]
    return max(scored)[2]


def crossfit(path):
    rows = read_export(path)
    folds = {f: [r for r in rows if r["fold"] == f] for f in "ab"}
    chosen = {f: best_weight(folds["b" if f == "a" else "a"]) for f in "ab"}
    gold = [r["label"] for f in "ab" for r in folds[f]]
    cross = [mixed_label(r, chosen[f]) for f in "ab" for r in folds[f]]
    plain = [mixed_label(r, 0.0) for f in "ab" for r in folds[f]]
    for name, predicted in [("w = 0 (as now)", plain), ("cross-fitted", cross)]:
        macro, f1s = macro_f1(gold, predicted)
        accuracy = sum(g == p for g, p in zip(gold, predicted)) / len(gold)
        print(f"{name:<16} macro-F1 {macro:.4f}  accuracy {accuracy:.4f}  F1 "
              + " / ".join(f"{f:.3f}" for f in f1s))
    print(f"weight chosen on fold b for a: {chosen['a']}, on fold a for b: {chosen['b']}, "
          f"on both: {best_weight(rows)}")
    for w in WEIGHTS:
        macro, _ = macro_f1(gold, [mixed_label(r, w) for f in "ab" for r in folds[f]])
        print(f"  (in-sample, not for choosing) w {w}: macro-F1 {macro:.4f}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("crossfit").add_argument("export", help="a file `export` wrote")
    for name in ["items", "batches", "agree", "export"]:
        s = sub.add_parser(name)
        s.add_argument("sentences", help="sentences.csv of `claimscan annotate` over the html pages")
        if name == "export":
            s.add_argument("--out", default="/tmp/heading_set/headings.tsv")
    args = p.parse_args()
    if args.cmd == "export":
        export(args.sentences, args.out)
    elif args.cmd == "crossfit":
        crossfit(args.export)
    else:
        {"items": items, "batches": batches, "agree": agree}[args.cmd](args.sentences)


if __name__ == "__main__":
    main()
