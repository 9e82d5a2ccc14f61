#!/usr/bin/env python3
"""The team's attribution set: real news sentences with the source each one is credited to.

The sentences are whole documents of the news set (data/news/items.tsv, see news_set.py):
  dev   every Reuters dev document and the sample article (417 sentences)
  tune  Reuters train documents in file order until about 800 sentences (rules are written
        and tuned on this split only; dev is scored once the rules are settled); the first
        404 were labelled on 2026-12-05, the rest on 2026-12-06
  fresh the eng.testa Reuters documents of selection slices 5 and 6 (news_selection.py; no
        attribution rule, tagger or threshold was written, trained or tuned on eng.testa),
        added 2026-12-07 (third session) after the rules of that day were settled, and
        scored once, as unseen news
Only references are committed. The labels (docs/attribution-guide.md) are stored as character
offsets into each sentence's rebuilt text, never as text:

  data/attribution/items.tsv           item_id, doc_key, split
  data/attribution/passes/{a,b}.tsv    one independent reading each: item_id, kind,
                                       source_start, source_end, referent_item,
                                       referent_start, referent_end
  data/attribution/adjudication.tsv    item_id, a, b, final (kinds), reason: the third
                                       reading of every disagreement
  data/attribution/labels.tsv          the settled labels (same columns as a pass)

Commands (from the project root):
  python3 scripts/attribution_set.py build            write data/attribution/items.tsv
  python3 scripts/attribution_set.py build-fresh      add the fresh split's items (the others stay)
  python3 scripts/attribution_set.py text [--out DIR] [--unlabelled]
                                                      batches for annotators (DIR default
                                                      /tmp/attribution_set; --unlabelled: only
                                                      documents pass a has no label for)
  python3 scripts/attribution_set.py ingest PASS RAW... turn annotators' raw answers
                                                      (item_id, kind, source, referent) into
                                                      offsets in passes/PASS.tsv (items the raw
                                                      files do not answer keep their stored label)
  python3 scripts/attribution_set.py agree [--split S] agreement between passes a and b
  python3 scripts/attribution_set.py disagreements    the items the passes disagree on, with
                                                      text, for the third reading
  python3 scripts/attribution_set.py final            write labels.tsv from the passes and
                                                      adjudication.tsv
  python3 scripts/attribution_set.py export [--out F] JSONL for `claimscan eval attribution`
                                                      (F default /tmp/attribution_set/attribution.jsonl)
"""
import argparse
import csv
import json
import os
import sys
from collections import Counter, OrderedDict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import news_selection  # noqa: E402  (the fresh split's eng.testa documents)
import news_set  # noqa: E402  (item references and the text rebuild)

ROOT = news_set.ROOT
DIR = os.path.join(ROOT, "data", "attribution")
ITEMS = os.path.join(DIR, "items.tsv")
PASSES = os.path.join(DIR, "passes")
ADJUDICATION = os.path.join(DIR, "adjudication.tsv")
LABELS = os.path.join(DIR, "labels.tsv")
LABEL_COLUMNS = ["item_id", "kind", "source_start", "source_end",
                 "referent_item", "referent_start", "referent_end"]
KINDS = ["named", "pronoun", "role", "continuation", "vague", "none"]
TUNE_TARGET = 800
FRESH_SLICES = ("selection5", "selection6")
BATCH_SIZE = 140


def doc_key(it):
    return "%s:%s" % (it["source"], it["doc"])


def build():
    items = news_set.load_items()
    dev = [it for it in items if it["split"] == "dev" and it["source"] in ("reuters", "sample")]
    tune, docs = [], OrderedDict()
    for it in items:
        if it["source"] == "reuters" and it["split"] == "train":
            docs.setdefault(it["doc"], []).append(it)
    for doc_items in docs.values():
        if len(tune) >= TUNE_TARGET:
            break
        tune.extend(doc_items)
    os.makedirs(DIR, exist_ok=True)
    with open(ITEMS, "w", encoding="utf-8") as f:
        f.write("item_id\tdoc_key\tsplit\n")
        for split, rows in (("tune", tune), ("dev", dev)):
            for it in rows:
                f.write("%s\t%s\t%s\n" % (it["item_id"], doc_key(it), split))
    print("%d tune + %d dev items -> %s" % (len(tune), len(dev), ITEMS))


def build_fresh():
    """Appends the fresh split: every sentence of the eng.testa documents of FRESH_SLICES."""
    ours = load(ITEMS)
    have = {it["item_id"] for it in ours}
    fresh = [it for it in news_selection.read_items()
             if it["split"] in FRESH_SLICES and it["file"] == news_selection.TESTA
             and it["item_id"] not in have]
    with open(ITEMS, "a", encoding="utf-8") as f:
        for it in fresh:
            f.write("%s\ttesta:%s\tfresh\n" % (it["item_id"], it["doc"]))
    print("%d fresh items added -> %s" % (len(fresh), ITEMS))


def load(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def documents():
    """OrderedDict doc_key -> list of (item_id, split, text), in document order."""
    ours = load(ITEMS)
    by_id = {it["item_id"]: it for it in news_set.load_items()}
    texts = news_set.rebuild_texts([by_id[it["item_id"]] for it in ours if it["item_id"] in by_id])
    selection = {it["item_id"]: it for it in news_selection.read_items()}
    texts.update(news_selection.texts([selection[it["item_id"]] for it in ours
                                       if it["item_id"] not in by_id]))
    docs = OrderedDict()
    for it in ours:
        docs.setdefault(it["doc_key"], []).append((it["item_id"], it["split"], texts[it["item_id"]]))
    return docs


def text(out_dir, unlabelled=False):
    docs = documents()
    if unlabelled:
        done = by_item(os.path.join(PASSES, "a.tsv"))
        docs = OrderedDict((k, rows) for k, rows in docs.items()
                           if any(item not in done for item, _, _ in rows))
    os.makedirs(os.path.join(out_dir, "batches"), exist_ok=True)
    batches, current = [], []
    for key, rows in docs.items():
        if current and sum(len(r) for _, r in current) + len(rows) / 2 > BATCH_SIZE:
            batches.append(current)
            current = []
        current.append((key, rows))
    if current:
        batches.append(current)
    for n, batch in enumerate(batches, 1):
        size = sum(len(r) for _, r in batch)
        lines = ["# Attribution batch %02d: %d sentences" % (n, size), ""]
        for key, rows in batch:
            lines += ["## document %s" % key, ""]
            lines += ["%s\t%s" % (item, t) for item, _, t in rows]
            lines.append("")
        with open(os.path.join(out_dir, "batches", "batch_%02d.md" % n), "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        print("batch_%02d.md: %d sentences" % (n, size))


def find_span(haystack, needle):
    """Character span of needle in haystack: exact, then ignoring case; None when absent."""
    if not needle:
        return None
    at = haystack.find(needle)
    if at < 0:
        at = haystack.lower().find(needle.lower())
    return (at, at + len(needle)) if at >= 0 else None


def ingest(pass_name, raw_files):
    docs = documents()
    where = {}
    for key, rows in docs.items():
        for pos, (item, _, t) in enumerate(rows):
            where[item] = (key, pos, t)
    answers = {}
    for path in raw_files:
        with open(path, encoding="utf-8") as f:
            for line_no, line in enumerate(f, 1):
                fields = line.rstrip("\n").split("\t")
                if not fields[0] or fields[0] not in where:
                    continue
                fields += [""] * (4 - len(fields))
                item, kind, source, referent = (x.strip() for x in fields[:4])
                kind = kind.lower()
                if kind not in KINDS:
                    sys.exit("%s:%d: unknown kind %r" % (path, line_no, kind))
                answers[item] = (kind, source, referent)
    out = os.path.join(PASSES, pass_name + ".tsv")
    stored = by_item(out) if os.path.exists(out) else {}
    rows, problems = [], []
    for item in where:
        if item not in answers:
            if item in stored:
                rows.append([stored[item][c] for c in LABEL_COLUMNS])
            else:
                problems.append("%s: no answer" % item)
            continue
        kind, source, referent = answers[item]
        key, pos, t = where[item]
        span = find_span(t, source) if kind != "none" else None
        if kind not in ("none", "continuation") and span is None:
            problems.append("%s: source %r not in the sentence" % (item, source))
        ref = None
        if kind in ("pronoun", "role", "continuation") and referent:
            # The referent's mention: the nearest sentence at or before this one that holds
            # it, else the nearest after it (a speaker credited at a quotation's end).
            rows_of_doc = docs[key]
            order = list(range(pos, -1, -1)) + list(range(pos + 1, len(rows_of_doc)))
            for p in order:
                found = find_span(rows_of_doc[p][2], referent)
                if found:
                    ref = (rows_of_doc[p][0],) + found
                    break
            if ref is None:
                problems.append("%s: referent %r not in the document" % (item, referent))
        rows.append([item, kind,
                     *(map(str, span) if span else ("", "")),
                     *(map(str, ref) if ref else ("", "", ""))])
    os.makedirs(PASSES, exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        f.write("\t".join(LABEL_COLUMNS) + "\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print("%d labels -> %s" % (len(rows), out))
    for p in problems:
        print("  " + p)


def by_item(path):
    return {r["item_id"]: r for r in load(path)}


def strings(label, texts):
    """(kind, source text, referent text) of a stored label."""
    source = referent = ""
    if label["source_start"]:
        source = texts[label["item_id"]][int(label["source_start"]):int(label["source_end"])]
    if label["referent_item"]:
        referent = texts[label["referent_item"]][int(label["referent_start"]):int(label["referent_end"])]
    return label["kind"], source, referent


def head(s):
    words = [w for w in s.replace("'s", "").split() if w[:1].isalnum()]
    return words[-1].lower() if words else ""


def same(a, b, texts):
    """Two labels agree: same kind, and the same credited party (same head word)."""
    ka, sa, ra = strings(a, texts)
    kb, sb, rb = strings(b, texts)
    if ka != kb:
        return False
    if ka in ("pronoun", "role", "continuation"):
        return head(ra) == head(rb)
    if ka == "none":
        return True
    return head(sa) == head(sb)


def all_texts():
    return {item: t for rows in documents().values() for item, _, t in rows}


def kappa(pairs):
    n = len(pairs)
    po = sum(a == b for a, b in pairs) / n
    ca, cb = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    pe = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return (po - pe) / (1 - pe) if pe < 1 else 1.0


def agree(split=None):
    a, b = by_item(os.path.join(PASSES, "a.tsv")), by_item(os.path.join(PASSES, "b.tsv"))
    texts = all_texts()
    in_split = {it["item_id"] for it in load(ITEMS) if split in (None, it["split"])}
    items = [i for i in a if i in b and i in in_split]
    kinds = [(a[i]["kind"], b[i]["kind"]) for i in items]
    credited = [("none" if x == "none" else "credited", "none" if y == "none" else "credited")
                for x, y in kinds]
    full = sum(same(a[i], b[i], texts) for i in items)
    print("items labelled twice: %d" % len(items))
    print("kind agreement: %.3f, Cohen's kappa %.3f" % (
        sum(x == y for x, y in kinds) / len(items), kappa(kinds)))
    print("credited-or-not kappa: %.3f" % kappa(credited))
    print("full agreement (kind and credited party): %.3f" % (full / len(items)))
    confusion = Counter(kinds)
    print("confusion (a -> b):")
    for (x, y), n in sorted(confusion.items(), key=lambda kv: -kv[1]):
        if x != y:
            print("  %-12s %-12s %d" % (x, y, n))


def disagreements(out):
    a, b = by_item(os.path.join(PASSES, "a.tsv")), by_item(os.path.join(PASSES, "b.tsv"))
    docs = documents()
    texts = {item: t for rows in docs.values() for item, _, t in rows}
    lines = []
    for key, rows in docs.items():
        bad = [item for item, _, _ in rows if not same(a[item], b[item], texts)]
        if not bad:
            continue
        lines += ["## document %s" % key, ""]
        for item, _, t in rows:
            lines.append("%s\t%s" % (item, t))
            if item in bad:
                lines.append("    A: %s | %s | %s" % strings(a[item], texts))
                lines.append("    B: %s | %s | %s" % strings(b[item], texts))
        lines.append("")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print("-> %s" % out)


def final():
    a, b = by_item(os.path.join(PASSES, "a.tsv")), by_item(os.path.join(PASSES, "b.tsv"))
    texts = all_texts()
    settled = {}
    if os.path.exists(ADJUDICATION):
        for r in load(ADJUDICATION):
            settled[r["item_id"]] = r["final"]
    out, gaps = [], []
    for item in a:
        if same(a[item], b[item], texts):
            out.append(a[item])
        elif item in settled:
            out.append((a if settled[item] == "a" else b)[item])
        else:
            gaps.append(item)
    if gaps:
        sys.exit("no adjudication for %d disagreements: %s" % (len(gaps), " ".join(gaps[:10])))
    with open(LABELS, "w", encoding="utf-8") as f:
        f.write("\t".join(LABEL_COLUMNS) + "\n")
        for r in out:
            f.write("\t".join(r[c] for c in LABEL_COLUMNS) + "\n")
    print("%d labels -> %s" % (len(out), LABELS))


def export(out):
    docs = documents()
    texts = {item: t for rows in docs.values() for item, _, t in rows}
    labels = by_item(LABELS)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        for key, rows in docs.items():
            sentences = []
            for item, split, t in rows:
                label = labels[item]
                kind, source, referent = strings(label, texts)
                # Character offsets of the source as written (`claimscan train-source` reads
                # them as tagging targets, as it reads MPQA's agent spans).
                spans = ([[int(label["source_start"]), int(label["source_end"])]]
                         if label["source_start"] else [])
                sentences.append({"id": item, "text": t, "kind": kind, "source": source,
                                  "referent": referent, "spans": spans})
            f.write(json.dumps({"doc": key, "split": rows[0][1], "sentences": sentences},
                               ensure_ascii=False) + "\n")
    print("%d documents -> %s" % (len(docs), out))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("build")
    sub.add_parser("build-fresh")
    t = sub.add_parser("text")
    t.add_argument("--out", default="/tmp/attribution_set")
    t.add_argument("--unlabelled", action="store_true")
    i = sub.add_parser("ingest")
    i.add_argument("pass_name", choices=["a", "b"])
    i.add_argument("raw", nargs="+")
    sub.add_parser("agree").add_argument("--split", choices=["tune", "dev", "fresh"],
                                         help="only the items of one split")
    d = sub.add_parser("disagreements")
    d.add_argument("--out", default="/tmp/attribution_set/disagreements.md")
    sub.add_parser("final")
    e = sub.add_parser("export")
    e.add_argument("--out", default="/tmp/attribution_set/attribution.jsonl")
    args = p.parse_args()
    if args.cmd == "build":
        build()
    elif args.cmd == "build-fresh":
        build_fresh()
    elif args.cmd == "text":
        text(args.out, args.unlabelled)
    elif args.cmd == "ingest":
        ingest(args.pass_name, args.raw)
    elif args.cmd == "agree":
        agree(args.split)
    elif args.cmd == "disagreements":
        disagreements(args.out)
    elif args.cmd == "final":
        final()
    elif args.cmd == "export":
        export(args.out)


if __name__ == "__main__":
    main()
