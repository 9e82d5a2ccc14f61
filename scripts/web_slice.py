#!/usr/bin/env python3
"""A web slice labelled by the team: every row `claimscan annotate` writes for whole English
pages of ../shared/data/html-extraction (real news and blog pages as scraped, boilerplate,
headings and list items included), to measure the labels on scraped news no label model was
trained, tuned or distilled on. Each slice, once it had decided its rule, became training rows
of the layout heads (models/README.md): web1 and web2 of both, web3 of the accurate one; web4
of neither. The pages' subheadings are also in the heading set (scripts/heading_set.py).

Pages: English ones (by the share of common English function words) of at most 60 rows, in
a fixed pseudo-random order: slice `web1` until 500 rows, then slice `web2` (labelled later,
for the class-bias decision fixed in models/README.md before its labels existed) until 500
more, then `web3` (for the stacker decision, likewise) until 500 more, then `web4` (for the
accurate mode's layout head on non-body rows, likewise) until 500 more. Items
(data/web_slice/items.tsv) are references as in the heading set: page, character offsets in
the extracted text, digest of the row's text.
Labels: two independent passes under docs/labelling.md (labels/pass1/, pass2/), disagreements
settled by a third reading (labels/adjudication.tsv).

    claimscan annotate ../shared/data/html-extraction/html --quiet -o OUT
    python3 scripts/web_slice.py items OUT/sentences.csv      write data/web_slice/items.tsv
Then `web5`: every other English page of at most 100 rows (labelled after the rule for a
labeller trained on web1-web4 was committed, models/README.md).
Then `web6`: the English pages left, whatever their length (for a soup of two labellers,
likewise).
Every command but `items` takes --slice web1|web2|web3|web4|web5|web6 (default web1).

    python3 scripts/web_slice.py batches OUT/sentences.csv    the slice's unlabelled pages, whole,
                                                              for annotators (/tmp/web_slice/)
    python3 scripts/web_slice.py agree OUT/sentences.csv      kappa; disagreements to
                                                              /tmp/web_slice/disagreements.md
    python3 scripts/web_slice.py export OUT/sentences.csv [--out F]
                                                              settled labels with text, in the news
                                                              export's format (split = the slice), for
                                                              `claimscan eval labels --task news F
                                                              --split all` (each row alone)
    python3 scripts/web_slice.py score OUT/sentences.csv [--outside-heading-set]
                                                              the labels `annotate` wrote for these
                                                              rows, as a user gets them (pages,
                                                              blocks and document stage included);
                                                              --outside-heading-set leaves out rows
                                                              the heading set also holds
"""
import argparse
import csv
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import heading_set  # noqa: E402  (page rows, digests)
import news_labels  # noqa: E402  (passes, kappa)

ROOT = heading_set.ROOT
DIR = os.path.join(ROOT, "data", "web_slice")
ITEMS = os.path.join(DIR, "items.tsv")
LABELS_DIR = os.path.join(DIR, "labels")
MAX_PAGE_ROWS = 60
SLICES = [("web1", 500), ("web2", 500), ("web3", 500), ("web4", 500)]
# After web4 the pages of at most 60 rows were spent: web5 is every other English page of at
# most this many rows (for a labeller trained on web1-web4, scripts/labeller_rows.py).
WEB5_MAX_PAGE_ROWS = 100
ALL_SLICES = [name for name, _ in SLICES] + ["web5", "web6"]
FUNCTION_WORDS = {"the", "a", "an", "of", "and", "to", "in", "is", "for", "on", "that", "with"}


def is_english(rows):
    words = [w.lower() for r in rows for w in r["text"].split()]
    return bool(words) and sum(w in FUNCTION_WORDS for w in words) / len(words) >= 0.08


def chosen_pages(docs):
    """(page, slice) in order: each slice's whole pages come after the previous slice's."""
    order = sorted(docs, key=lambda d: hashlib.sha256(("web:" + d).encode("utf-8")).hexdigest())
    pages, total = [], 0
    slices = iter(SLICES)
    name, size = next(slices)
    for doc in order:
        if total >= size:
            following = next(slices, None)
            if following is None:
                break
            name, size = following[0], size + following[1]
        rows = docs[doc]
        if len(rows) > MAX_PAGE_ROWS or not is_english(rows):
            continue
        pages.append((doc, name))
        total += len(rows)
    taken = {doc for doc, _ in pages}
    pages += [(doc, "web5") for doc in order if doc not in taken
              and len(docs[doc]) <= WEB5_MAX_PAGE_ROWS and is_english(docs[doc])]
    # web6: the English pages left, whatever their length (for the soup of the labeller web5
    # judged and the committed one).
    taken = {doc for doc, _ in pages}
    pages += [(doc, "web6") for doc in order if doc not in taken and is_english(docs[doc])]
    return pages


def item_id(doc, row):
    return "w%s-%s" % (hashlib.sha256(doc.encode("utf-8")).hexdigest()[:6], row["start"])


def items(path):
    docs = heading_set.read_rows(path)
    os.makedirs(DIR, exist_ok=True)
    n = 0
    with open(ITEMS, "w", encoding="utf-8") as f:
        f.write("item_id\tdoc\tstart\tend\tdigest\tslice\n")
        for doc, part in chosen_pages(docs):
            for row in docs[doc]:
                f.write("\t".join([item_id(doc, row), doc, row["start"], row["end"],
                                   heading_set.digest(row["text"]), part]) + "\n")
                n += 1
    print(f"{ITEMS}: {n} items", file=sys.stderr)


def read_items(part=None):
    """The items, of one slice when `part` names it."""
    with open(ITEMS, encoding="utf-8") as f:
        return [r for r in csv.DictReader(f, delimiter="\t") if part in (None, r["slice"])]


def rows_of(path):
    """item_id -> the page row, checked against its digest."""
    docs = heading_set.read_rows(path)
    found = {}
    for it in read_items():
        row = next((r for r in docs.get(it["doc"], [])
                    if r["start"] == it["start"] and r["end"] == it["end"]), None)
        if row is None or heading_set.digest(row["text"]) != it["digest"]:
            sys.exit(f"{it['item_id']}: page {it['doc']} has no row at {it['start']}..{it['end']} "
                     "with the stored text; was the extractor changed?")
        found[it["item_id"]] = row
    return found


def batches(path, part):
    rows = rows_of(path)
    labelled = read_pass("pass1") if os.path.isdir(os.path.join(LABELS_DIR, "pass1")) else {}
    its = [it for it in read_items(part) if it["item_id"] not in labelled]
    out = "/tmp/web_slice"
    os.makedirs(out, exist_ok=True)
    # two batches of whole pages
    cut = len(its) // 2
    while 0 < cut < len(its) and its[cut]["doc"] == its[cut - 1]["doc"]:
        cut += 1
    for n, chunk in enumerate([its[:cut], its[cut:]], 1):
        title = (f"Web batch {n:02d}: {len(chunk)} rows\n\nEach page is given whole, one row "
                 "per line as claimscan split it (headings, menus and link lists included).")
        text = {it["item_id"]: " ".join(rows[it["item_id"]]["text"].split()) for it in chunk}
        news_labels.write_batch(os.path.join(out, f"batch_{n:02d}.md"), title, chunk, text,
                                lambda doc: f"page {doc}")
    print(f"{out}: batch_01.md ({cut} rows), batch_02.md ({len(its) - cut})", file=sys.stderr)


def read_pass(name):
    return news_labels.read_pass(name, LABELS_DIR)


def agree(path, part):
    rows = rows_of(path)
    its = read_items(part)
    first, second = news_labels.report_agreement([i["item_id"] for i in its], LABELS_DIR)
    os.makedirs("/tmp/web_slice", exist_ok=True)
    with open("/tmp/web_slice/disagreements.md", "w", encoding="utf-8") as f:
        for it in its:
            i = it["item_id"]
            if first[i] != second[i]:
                text = " ".join(rows[i]["text"].split())
                f.write(f"{i}\tpage {it['doc']}\tlabel A: {first[i]}\tlabel B: {second[i]}\t{text}\n")


def export(path, part, out):
    rows = rows_of(path)
    labels = settled_labels(part)
    news_labels.write_export(out, ({"item_id": it["item_id"], "source": "web", "doc": it["doc"],
                                    "split": part, "label": labels[it["item_id"]],
                                    "text": rows[it["item_id"]]["text"]}
                                   for it in read_items(part)))
    print(f"{out}: {len(read_items(part))} rows", file=sys.stderr)


def settled_labels(part):
    """item_id -> label of the slice's items: the passes' label where they agree, else the
    third reading's."""
    return news_labels.settled([it["item_id"] for it in read_items(part)], LABELS_DIR)


def score(path, part, outside_heading_set=False):
    rows = rows_of(path)
    gold = settled_labels(part)
    its = read_items(part)
    if outside_heading_set:
        # the fast layout head learned from heading-set rows of every page but web3's
        headings = {(h["doc"], h["start"]) for h in heading_set.read_items()}
        its = [it for it in its if (it["doc"], it["start"]) not in headings]
    ids = [it["item_id"] for it in its]
    g = [gold[i] for i in ids]
    p = [rows[i]["label"] for i in ids]
    labels = heading_set.LABELS
    print("gold \\ annotate " + "".join(f"{l:>12}" for l in labels))
    for a in labels:
        print(f"{a:<16}" + "".join(f"{sum(x == a and y == b for x, y in zip(g, p)):>12}" for b in labels))
    macro, f1s = heading_set.macro_f1(g, p)
    accuracy = sum(x == y for x, y in zip(g, p)) / len(g)
    print("F1 " + ", ".join(f"{l} {f:.4f}" for l, f in zip(labels, f1s)))
    print(f"macro-F1 {macro:.4f}  accuracy {accuracy:.4f}  rows {len(g)}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ["items", "batches", "agree", "export", "score"]:
        s = sub.add_parser(name)
        s.add_argument("sentences", help="sentences.csv of `claimscan annotate` over the html pages")
        if name != "items":
            s.add_argument("--slice", default="web1", choices=ALL_SLICES)
        if name == "export":
            s.add_argument("--out", help="default /tmp/web_slice/SLICE.tsv")
        if name == "score":
            s.add_argument("--outside-heading-set", action="store_true",
                           help="leave out the rows that are also heading-set rows")
    args = p.parse_args()
    if args.cmd == "items":
        items(args.sentences)
    elif args.cmd == "export":
        export(args.sentences, args.slice, args.out or f"/tmp/web_slice/{args.slice}.tsv")
    elif args.cmd == "score":
        score(args.sentences, args.slice, args.outside_heading_set)
    else:
        {"batches": batches, "agree": agree}[args.cmd](args.sentences, args.slice)


if __name__ == "__main__":
    main()
