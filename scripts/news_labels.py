#!/usr/bin/env python3
"""Agreement between the two labelling passes of the news set, and the settled labels.

The passes live in data/news/labels/pass1/ and pass2/ (one `item_id<TAB>label[<TAB>note]`
file per annotation batch), written independently by annotators who saw only
docs/labelling.md and the text. The third reading of every disagreement is in
data/news/labels/adjudication.tsv (`item_id<TAB>pass1<TAB>pass2<TAB>final<TAB>reason`).

    python3 scripts/news_labels.py agree            Cohen's kappa per source and overall,
                                                    confusion between the passes
    python3 scripts/news_labels.py disagreements [--out DIR]
                                                    rebuild the text of every disagreement
                                                    for the third reading (DIR default
                                                    /tmp/news_set/disagreements)
    python3 scripts/news_labels.py final            write data/news/labels.tsv (item_id,
                                                    source, split, label): agreed labels plus
                                                    adjudicated ones; refuses gaps
    python3 scripts/news_labels.py export [--out F] the labelled sentences with their text
                                                    (F default /tmp/news_set/news.tsv), for
                                                    `claimscan eval labels --task news`
    python3 scripts/news_labels.py checkthat [--predictions P ...]
                                                    the team's labels of the CheckThat! rows
                                                    scored as opinion-vs-not against the file's
                                                    SUBJ/OBJ: what a labeller that followed
                                                    docs/labelling.md exactly would score on
                                                    the opinion task; with P (`claimscan eval
                                                    labels --task news EXPORT --predictions P`),
                                                    also those predictions, against the file
                                                    and against the team's labels
"""
import argparse
import csv
import os
import sys
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import news_set  # noqa: E402  (the item references and the text rebuild)

ROOT = news_set.ROOT
LABELS_DIR = os.path.join(ROOT, "data", "news", "labels")
ADJUDICATION = os.path.join(LABELS_DIR, "adjudication.tsv")
FINAL = os.path.join(ROOT, "data", "news", "labels.tsv")
LABELS = ["fact", "speculation", "opinion", "none"]


def read_pass(name, labels_dir=LABELS_DIR):
    """item_id -> label of one pass (a folder of `labels_dir`); refuses unknown labels and
    duplicates."""
    folder = os.path.join(labels_dir, name)
    labels = {}
    for file in sorted(os.listdir(folder)):
        if not file.endswith(".tsv"):
            continue
        with open(os.path.join(folder, file), encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                fields = line.rstrip("\n").split("\t")
                if not fields[0]:
                    continue
                item, label = fields[0].strip(), fields[1].strip().lower()
                if label not in LABELS:
                    sys.exit(f"{name}/{file}:{n}: unknown label {label!r}")
                if item in labels:
                    sys.exit(f"{name}/{file}:{n}: {item} labelled twice")
                labels[item] = label
    return labels


def read_final(labels_dir):
    """item_id -> final label of `labels_dir`/adjudication.tsv (a header line, then
    `item_id, pass1, pass2, final, reason`), empty when there is none yet."""
    path = os.path.join(labels_dir, "adjudication.tsv")
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        return {r["item_id"]: r["final"]
                for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)}


def settled(item_ids, labels_dir):
    """item_id -> label of `item_ids` in `labels_dir`: the passes' label where they agree, else
    the third reading's (adjudication.tsv); refuses an item with neither."""
    first, second = read_pass("pass1", labels_dir), read_pass("pass2", labels_dir)
    final = read_final(labels_dir)
    out = {}
    for i in item_ids:
        label = first[i] if first[i] == second[i] else final.get(i)
        if label is None:
            sys.exit(f"{i}: the passes disagree and adjudication.tsv has no final label")
        out[i] = label
    return out


def report_agreement(item_ids, labels_dir):
    """Prints the two passes' agreement and kappa over `item_ids` (refusing items a pass has
    not labelled) and returns both passes."""
    first, second = read_pass("pass1", labels_dir), read_pass("pass2", labels_dir)
    missing = [i for i in item_ids if i not in first or i not in second]
    if missing:
        sys.exit(f"{len(missing)} items lack a label in one pass, e.g. {missing[:3]}")
    pairs = [(first[i], second[i]) for i in item_ids]
    share = sum(a == b for a, b in pairs) / len(pairs)
    print(f"items {len(pairs)}  agree {share:.3f}  kappa {kappa(pairs):.3f}")
    return first, second


def kappa(pairs):
    """Cohen's kappa of (a, b) label pairs."""
    n = len(pairs)
    if n == 0:
        return float("nan")
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[l] * second[l] for l in LABELS) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def both_passes():
    items = news_set.load_items()
    one, two = read_pass("pass1"), read_pass("pass2")
    missing = [i["item_id"] for i in items if i["item_id"] not in one or i["item_id"] not in two]
    return items, one, two, missing


def agree():
    items, one, two, missing = both_passes()
    if missing:
        print(f"{len(missing)} items lack a label in one pass (first: {missing[:5]})")
    by_source = defaultdict(list)
    for item in items:
        i = item["item_id"]
        if i in one and i in two:
            by_source[item["source"]].append((one[i], two[i]))
            by_source["all"].append((one[i], two[i]))
    print(f"{'source':<10} {'items':>6} {'agree':>7} {'kappa':>7}")
    for source in ["reuters", "sample", "checkthat", "debate", "mpqa", "all"]:
        pairs = by_source.get(source, [])
        if pairs:
            agreement = sum(a == b for a, b in pairs) / len(pairs)
            print(f"{source:<10} {len(pairs):>6} {agreement:>7.3f} {kappa(pairs):>7.3f}")
    pairs = by_source["all"]
    print("\npass1 (rows) x pass2 (columns)")
    print(f"{'':<12}" + "".join(f"{l:>12}" for l in LABELS))
    for a in LABELS:
        print(f"{a:<12}" + "".join(f"{sum(1 for x, y in pairs if x == a and y == b):>12}" for b in LABELS))


def disagreements(out_dir):
    items, one, two, _ = both_passes()
    texts = news_set.rebuild_texts(items)
    by_doc = defaultdict(list)
    for item in items:
        by_doc[(item["source"], item["doc"])].append(item)
    os.makedirs(out_dir, exist_ok=True)
    rows = []
    for item in items:
        i = item["item_id"]
        if i in one and i in two and one[i] != two[i]:
            doc = by_doc[(item["source"], item["doc"])]
            at = doc.index(item)
            before = " ".join(texts[d["item_id"]] for d in doc[max(0, at - 3):at])
            after = " ".join(texts[d["item_id"]] for d in doc[at + 1:at + 3])
            rows.append((i, item["source"], one[i], two[i], before, texts[i], after))
    path = os.path.join(out_dir, "disagreements.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"# {len(rows)} disagreements between the two passes\n\n")
        for i, source, a, b, before, text, after in rows:
            f.write(f"## {i} ({source}): pass1 {a} / pass2 {b}\n")
            if before:
                f.write(f"before: {before}\n")
            f.write(f"SENTENCE: {text}\n")
            if after:
                f.write(f"after: {after}\n")
            f.write("\n")
    print(f"{len(rows)} disagreements written to {path}")


def read_adjudication():
    settled = {}
    if not os.path.exists(ADJUDICATION):
        return settled
    with open(ADJUDICATION, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            fields = line.rstrip("\n").split("\t")
            if n == 1 and fields[0] == "item_id":
                continue
            if len(fields) < 5 or fields[3] not in LABELS:
                sys.exit(f"adjudication.tsv:{n}: expected item_id, pass1, pass2, final, reason")
            settled[fields[0]] = fields[3]
    return settled


def final():
    items, one, two, missing = both_passes()
    if missing:
        sys.exit(f"{len(missing)} items lack a label in one pass (first: {missing[:5]})")
    settled = read_adjudication()
    unsettled = [i["item_id"] for i in items if one[i["item_id"]] != two[i["item_id"]]
                 and i["item_id"] not in settled]
    if unsettled:
        sys.exit(f"{len(unsettled)} disagreements not adjudicated (first: {unsettled[:5]})")
    with open(FINAL, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["item_id", "source", "split", "label"])
        counts = Counter()
        for item in items:
            i = item["item_id"]
            label = one[i] if one[i] == two[i] else settled[i]
            counts[(item["split"], label)] += 1
            w.writerow([i, item["source"], item["split"], label])
    print(f"wrote {FINAL}")
    for split in ["train", "dev"]:
        print(split, {l: counts[(split, l)] for l in LABELS})


def write_batch(path, title, items, text, heading):
    """An annotators' batch: `title`, then each document of `items` (in order, grouped by
    their `doc`) under `## heading(doc)`, one `item_id<TAB>text` row per line."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"# {title}\n")
        doc = None
        for it in items:
            if it["doc"] != doc:
                doc = it["doc"]
                f.write(f"\n## {heading(doc)}\n\n")
            f.write(f"{it['item_id']}\t{text[it['item_id']]}\n")


EXPORT_COLUMNS = ("item_id", "source", "doc", "split", "label", "text")


def write_export(out, rows):
    """Writes `rows` (dicts of EXPORT_COLUMNS) in the export's format: a header, then plain
    tab-joined lines, each text with its whitespace folded to single spaces, as `claimscan
    train-news`, `train-cased --news` and `eval labels --task news` read it."""
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        f.write("\t".join(EXPORT_COLUMNS) + "\n")
        for r in rows:
            f.write("\t".join([*(r[k] for k in EXPORT_COLUMNS[:-1]), " ".join(r["text"].split())]) + "\n")


def export(out):
    items = news_set.load_items()
    texts = news_set.rebuild_texts(items)
    with open(FINAL, encoding="utf-8") as f:
        labels = {r["item_id"]: r for r in csv.DictReader(f, delimiter="\t")}
    rows = [{**item, "split": labels[item["item_id"]]["split"],
             "label": labels[item["item_id"]]["label"], "text": texts[item["item_id"]]}
            for item in items if item["item_id"] in labels]
    # items selected but not yet labelled twice and settled are left out
    unlabelled = len(items) - len(rows)
    write_export(out, rows)
    print(f"wrote {out}" + (f" ({unlabelled} items not labelled yet, left out)" if unlabelled else ""))


def binary_scores(pairs, positive=True):
    """Precision, recall and F1 of the class `positive` over (gold, predicted) boolean pairs."""
    tp = sum(g == positive and p == positive for g, p in pairs)
    fp = sum(g != positive and p == positive for g, p in pairs)
    fn = sum(g == positive and p != positive for g, p in pairs)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0


def macro_f1(pairs):
    """Macro-F1 of (gold, predicted) boolean pairs over the two classes."""
    return (binary_scores(pairs, True)[2] + binary_scores(pairs, False)[2]) / 2


def read_predictions(path):
    """item_id -> predicted label of an `eval labels --predictions` file."""
    with open(path, encoding="utf-8") as f:
        return {r["item_id"]: r["predicted"] for r in csv.DictReader(f, delimiter="\t")}


def checkthat(prediction_files=()):
    """The team's CheckThat! labels (settled, and each pass alone) read as opinion-vs-not and
    scored against the file's own SUBJ/OBJ labels, per file: the opinion macro-F1 of a reader
    that applies docs/labelling.md without error. Each predictions file is scored against the
    file's labels and against the settled team labels, on the rows it covers."""
    predictions = {path: read_predictions(path) for path in prediction_files}
    items = [i for i in news_set.load_items() if i["source"] == "checkthat"]
    with open(FINAL, encoding="utf-8") as f:
        settled_labels = {r["item_id"]: r["label"] for r in csv.DictReader(f, delimiter="\t")}
    passes = {"settled": settled_labels, "pass 1": read_pass("pass1"), "pass 2": read_pass("pass2")}
    subjective = {}
    for rel in sorted({i["file"] for i in items}):
        with open(os.path.join(news_set.SHARED, rel), encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                subjective[(rel, r["sentence_id"])] = r["label"] == "SUBJ"
    for rel in sorted({i["file"] for i in items}):
        rows = [i for i in items if i["file"] == rel and i["item_id"] in settled_labels]
        gold = [subjective[(rel, i["ref"])] for i in rows]
        print(f"{rel}: {len(rows)} rows, {sum(gold)} SUBJ")
        for name, labels in passes.items():
            pairs = [(g, labels[i["item_id"]] == "opinion") for g, i in zip(gold, rows)]
            print(f"  {name}: opinion macro-F1 {macro_f1(pairs):.4f}")
        for path, predicted in predictions.items():
            covered = [(g, i["item_id"]) for g, i in zip(gold, rows) if i["item_id"] in predicted]
            if not covered:
                continue
            against_file = [(g, predicted[i] == "opinion") for g, i in covered]
            against_team = [(settled_labels[i] == "opinion", predicted[i] == "opinion")
                            for _, i in covered]
            print(f"  {path} ({len(covered)} rows): opinion macro-F1 {macro_f1(against_file):.4f}"
                  f" against the file, {macro_f1(against_team):.4f} against the team's labels")
        counts = Counter((g, settled_labels[i["item_id"]]) for g, i in zip(gold, rows))
        print("  file \\ settled  " + "  ".join(f"{l:>11}" for l in LABELS))
        for g in (True, False):
            print(f"  {'SUBJ' if g else 'OBJ':<14}" + "  ".join(f"{counts[(g, l)]:>11}" for l in LABELS))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("agree")
    d = sub.add_parser("disagreements")
    d.add_argument("--out", default="/tmp/news_set/disagreements")
    sub.add_parser("final")
    c = sub.add_parser("checkthat")
    c.add_argument("--predictions", nargs="*", default=[])
    e = sub.add_parser("export")
    e.add_argument("--out", default="/tmp/news_set/news.tsv")
    args = parser.parse_args()
    if args.command == "agree":
        agree()
    elif args.command == "disagreements":
        disagreements(args.out)
    elif args.command == "final":
        final()
    elif args.command == "checkthat":
        checkthat(args.predictions)
    else:
        export(args.out)


if __name__ == "__main__":
    main()
