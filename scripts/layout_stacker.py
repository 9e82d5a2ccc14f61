#!/usr/bin/env python3
"""The layout stacker of models/README.md ("A layout stacker"): a multinomial logistic
regression over the four probabilities `annotate` writes for a row and eight features of the
row's layout, fitted on rows whose probabilities come from models never trained on them.

    python3 scripts/class_bias.py prepare       (the selection slices as documents)
    claimscan annotate /tmp/class_bias/docs --input-format lines --quiet -o SLICES [--labels accurate]
    claimscan annotate ../shared/data/html-extraction/html --quiet -o WEB [--labels accurate]
    ~/.cache/claimscan/convert-venv/bin/python scripts/layout_stacker.py fit SLICES/sentences.csv \\
        WEB/sentences.csv OUT.json [--train web1,web2] [--held-out web3] [--blocks B,..]
                                                fit (needs no label of the held-out slice);
                                                --blocks: learn from and apply to those rows only
    ~/.cache/claimscan/convert-venv/bin/python scripts/layout_stacker.py score WEB/sentences.csv OUT.json [--slice web3]
                                                the slice with and without it, offline, from the
                                                probabilities annotate wrote
    python3 scripts/layout_stacker.py combine FAST.json ACCURATE.json models/claimscan/layout_head.json
                                                the heads in the file the label stage reads (`-`
                                                for a mode that keeps its labels)

The features, in order (`FEATURES`), are what src/classify would compute: the four
log-probabilities, the block as four indicators, whether the row is its document's first, log
of 1 + its word count, whether it ends with sentence punctuation, its share of capitalised
words.
"""
import argparse
import json
import math
import os
import sys

try:
    import numpy as np
except ImportError:  # `combine` needs no numpy
    np = None

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import class_bias  # noqa: E402  (the slices' rows)
import heading_set  # noqa: E402
import web_slice  # noqa: E402

LABELS = heading_set.LABELS
BLOCKS = ["body", "heading", "list_item", "boilerplate"]
FEATURES = ["log_p_fact", "log_p_speculation", "log_p_opinion", "log_p_none",
            "block_body", "block_heading", "block_list_item", "block_boilerplate",
            "first_row", "log_words", "sentence_end", "capitalised_share"]
L2 = 0.01
CLOSERS = "\"'”’)] \t\n"


def features(row):
    p = heading_set.four_way(row)
    text = row["text"]
    words = text.split()
    capitalised = sum(1 for w in words if w[0].isupper())
    end = text.rstrip(CLOSERS)[-1:] in (".", "!", "?", "…")
    return ([math.log(max(q, 1e-6)) for q in p]
            + [1.0 if row["block"] == b else 0.0 for b in BLOCKS]
            + [1.0 if row["sentence_id"] == "0" else 0.0,
               math.log(1 + len(words)),
               1.0 if end else 0.0,
               capitalised / max(len(words), 1)])


def slice_rows_of(path, part):
    rows = web_slice.rows_of(path)
    gold = web_slice.settled_labels(part)
    return [(gold[i], rows[i]) for i in gold]


def web_rows(path, train_slices, held_out):
    """Training rows of the web pages: the `train_slices` and the heading set's rows outside
    the `held_out` slice's pages."""
    rows = web_slice.rows_of(path)
    items = web_slice.read_items()
    held_out_pages = {it["doc"] for it in items if it["slice"] == held_out}
    train, seen = [], set()
    for part in train_slices:
        gold = web_slice.settled_labels(part)
        for i, label in gold.items():
            train.append((label, rows[i]))
            seen.add((rows[i]["doc_id"], rows[i]["start"]))
    page_rows = heading_set.read_rows(path)
    where = {(r["doc_id"], r["start"]): r for rs in page_rows.values() for r in rs}
    headings = heading_set.settled_labels()
    for it in heading_set.read_items():
        if it["doc"] in held_out_pages or (it["doc"], it["start"]) in seen:
            continue
        train.append((headings[it["item_id"]], where[(it["doc"], it["start"])]))
    return train


def fit_lr(x, y):
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    n, d = z.shape
    w, b = np.zeros((4, d)), np.zeros(4)
    onehot = np.eye(4)[y]
    # full-batch gradient descent on the mean cross-entropy + L2 (a convex problem: the
    # step count only has to reach the minimum)
    step = 0.5
    for _ in range(3000):
        logits = z @ w.T + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) / n
        w -= step * (g.T @ z + L2 * w)
        b -= step * g.sum(axis=0)
    return mean, scale, w, b


def predict(model, x):
    mean, scale, w, b = model
    logits = ((x - mean) / scale) @ w.T + b
    return [heading_set.most_probable(list(row)) for row in logits]


def report(name, gold, predicted):
    macro, f1s = heading_set.macro_f1(gold, predicted)
    accuracy = sum(g == p for g, p in zip(gold, predicted)) / len(gold)
    print(f"{name:<28} macro-F1 {macro:.4f}  accuracy {accuracy:.4f}  F1 "
          + " / ".join(f"{f:.3f}" for f in f1s))


def fit(args):
    train_web = web_rows(args.web_csv, args.train.split(","), args.held_out)
    train_slices = [] if args.no_selection else class_bias.slice_rows(args.slices_csv)
    train = train_slices + train_web
    if args.blocks:
        train = [(label, r) for label, r in train if r["block"] in args.blocks.split(",")]
    x = np.array([features(r) for _, r in train])
    y = np.array([LABELS.index(label) for label, _ in train])
    model = fit_lr(x, y)
    print(f"fitted on {len(train)} rows")
    report("train, as annotate wrote", [l for l, _ in train], [r["label"] for _, r in train])
    report("train, stacked (in-sample)", [l for l, _ in train], predict(model, x))
    mean, scale, w, b = model
    head = {"features": FEATURES, "labels": LABELS, "mean": mean.tolist(),
            "scale": scale.tolist(), "weights": w.tolist(), "bias": b.tolist()}
    if args.blocks:
        head["blocks"] = args.blocks.split(",")
    head["training"] = {"rows": len(train), "l2": L2, "script": "scripts/layout_stacker.py",
                        "selection_slices": not args.no_selection, "web_slices": args.train,
                        "heading_set_outside": args.held_out}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(head, f, indent=1)
        f.write("\n")


def load(path):
    with open(path, encoding="utf-8") as f:
        m = json.load(f)
    model = (np.array(m["mean"]), np.array(m["scale"]), np.array(m["weights"]), np.array(m["bias"]))
    return model, m.get("blocks")


def score(args):
    test = slice_rows_of(args.web_csv, args.slice)
    gold = [l for l, _ in test]
    model, blocks = load(args.head)
    stacked = predict(model, np.array([features(r) for _, r in test]))
    # a head with `blocks` leaves the other rows as they were
    stacked = [s if blocks is None or r["block"] in blocks else r["label"]
               for s, (_, r) in zip(stacked, test)]
    report(f"{args.slice}, as annotate wrote", gold, [r["label"] for _, r in test])
    report(f"{args.slice}, stacked", gold, stacked)


def combine(fast, accurate, out):
    """Writes the file the label stage reads; `-` for a mode leaves it without a head."""
    heads, training = {}, {}
    for name, path in (("fast", fast), ("accurate", accurate)):
        if path == "-":
            continue
        with open(path, encoding="utf-8") as f:
            heads[name] = json.load(f)
        training[name] = heads[name].pop("training")
    training["data"] = ("selection slices 1-5 as documents, web1, web2, heading set outside "
                        "web3's pages (models/README.md)")
    with open(out, "w", encoding="utf-8") as f:
        json.dump({**heads, "training": training}, f, indent=1)
        f.write("\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fit")
    f.add_argument("slices_csv")
    f.add_argument("web_csv")
    f.add_argument("out")
    f.add_argument("--train", default="web1,web2", help="web slices to learn from")
    f.add_argument("--held-out", default="web3",
                   help="the slice that decides: its pages' heading-set rows are left out")
    f.add_argument("--blocks", help="learn from (and apply to) rows of these blocks only, e.g. "
                                    "heading,list_item,boilerplate")
    f.add_argument("--no-selection", action="store_true", help="leave the selection slices out")
    s = sub.add_parser("score")
    s.add_argument("web_csv")
    s.add_argument("head")
    s.add_argument("--slice", default="web3")
    c = sub.add_parser("combine")
    c.add_argument("fast")
    c.add_argument("accurate")
    c.add_argument("out")
    args = p.parse_args()
    if args.cmd == "combine":
        combine(args.fast, args.accurate, args.out)
    elif args.cmd == "fit":
        fit(args)
    else:
        score(args)


if __name__ == "__main__":
    main()
