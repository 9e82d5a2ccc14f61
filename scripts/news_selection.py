#!/usr/bin/env python3
"""A selection slice of news labelled by the team: sentences no claimscan model was trained,
tuned or distilled on, for choosing between label models without touching the news dev split.

Items (data/news_selection/items.tsv, references only, no text), in three slices (the `split`
column): `selection`, the first 160 or more sentences of each source, `selection2`, the next
200 or more (labelled later, for decisions after the first slice had served six), and
`selection3`, the next 200 or more (for decisions after the second had chosen the labeller's
share), and `selection4`, the next 200 or more (a second look at the labeller soup that slice
3 turned down by 0.0014), and `selection5`, the next 300 or more (a third look at the soup,
under a rule committed before its labels existed), and `selection6`, the next 300 or more (for
a labeller trained on every row labelled before it, scripts/labeller_rows.py), and `selection7`
(the rest: a soup of that labeller and the committed one; MPQA documents of 36-60 sentences
too), and `selection8` (every held-out MPQA document left, about 400 sentences: a fair figure
for the models of 2026-12-07's fifth session), whole documents of
- MPQA 1.2's held-out fifth (the documents scripts/mpqa_attribution.py holds out; the news set,
  the teacher pool and every trainer leave them alone), in a fixed pseudo-random order;
- CoNLL-2003 eng.testa prose documents (Reuters; the label models never read eng.testa),
  every third one, then (later slices) the second of every three, then the third.
`selection9` (2026-12-07, sixth session), when both had run out, takes two sources no label
model was trained, tuned or distilled on (the unshipped distilled head of 2026-12-06 read some
of them unlabelled; the entity encoder read eng.train for its tags):
- eng.train prose documents of the every-4th series the news set never took (offset 3), in
  file order, until about 250 sentences;
- MPQA 1.2 documents of 5-35 sentences outside the held-out fifth and outside the news set,
  in a fixed pseudo-random order, until about 250 sentences.
Labels: two independent passes under docs/labelling.md (data/news_selection/labels/pass1/,
pass2/), every disagreement settled by a third reading (labels/adjudication.tsv), as for the
news set (scripts/news_labels.py).

    python3 scripts/news_selection.py items         write data/news_selection/items.tsv
    python3 scripts/news_selection.py batches       the text of the items no pass has labelled yet,
                                                    for annotators, /tmp/news_selection/batches/
    python3 scripts/news_selection.py agree         Cohen's kappa per source; disagreements to
                                                    /tmp/news_selection/disagreements.md
    python3 scripts/news_selection.py export [--out F]
                                                    the settled labels with their text, in the news
                                                    export's format with split `selection`
                                                    (F default /tmp/news_selection/selection.tsv);
                                                    --slice selection|selection2|...: one slice
                                                    (default: the first, as before)
"""
import argparse
import csv
import hashlib
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import news_labels  # noqa: E402
import news_set  # noqa: E402

ROOT = news_set.ROOT
DIR = os.path.join(ROOT, "data", "news_selection")
ITEMS = os.path.join(DIR, "items.tsv")
LABELS_DIR = os.path.join(DIR, "labels")
TESTA = "ner/eng.testa"
# Sentences of each slice, at least, per source, in order: each slice's whole documents come
# after the previous slice's. Slice 8 has no size: it takes whatever held-out MPQA document is
# left after the others (make_items), so slice_of never names it.
SLICES = [("selection", 160), ("selection2", 200), ("selection3", 200), ("selection4", 200),
          ("selection5", 300), ("selection6", 300), ("selection7", 300), ("selection8", 0)]
# Slice 9 draws on other sources (selection9_items); like slice 8 it has no size here.
LATER_SLICES = ["selection9"]
# Slice 7 also takes the held-out MPQA documents of 36 to this many sentences, which the
# earlier slices skipped; the shorter ones had run out.
SELECTION7_MAX_DOC = 60
TOTAL = sum(size for _, size in SLICES)
# Slice 9: sentences at least, per source.
SELECTION9_SIZE = 250


def slice_of(total):
    """The slice a document starting after `total` sentences of its source belongs to."""
    for name, size in SLICES:
        if total < size:
            return name
        total -= size
    raise ValueError("past the last slice")


def held_out(rel):
    return int(hashlib.sha256(rel.encode("utf-8")).hexdigest(), 16) % 5 == 0


def make_items():
    items = []
    docs = [rel for rel in news_set.mpqa_documents() if held_out(rel)]
    docs.sort(key=lambda rel: hashlib.sha256(("selection:" + rel).encode("utf-8")).hexdigest())
    total = 0

    def take(rel, spans, part):
        items.extend(mpqa_document_items(rel, spans, part))
        return len(spans)

    for rel in docs:
        if total >= TOTAL:
            break
        spans = news_set.mpqa_sentences(rel)
        if 5 <= len(spans) <= 35:
            total += take(rel, spans, slice_of(total))
    taken = {item[3] for item in items}
    for rel in docs:
        if total >= TOTAL:
            break
        spans = news_set.mpqa_sentences(rel)
        if rel not in taken and 36 <= len(spans) <= SELECTION7_MAX_DOC:
            total += take(rel, spans, "selection7")
    testa = news_set.conll_documents(TESTA)
    prose = [i for i, d in enumerate(testa) if news_set.is_prose(d)]
    total = 0
    # every third prose document; the later slices, which outrun them, go on with the next
    # series (the second of every three, then the third)
    for index in prose[::3] + prose[1::3] + prose[2::3]:
        if total >= TOTAL:
            break
        part = slice_of(total)
        for s in range(len(testa[index])):
            items.append(("t%04d-%02d" % (index, s), "reuters", TESTA, str(index), str(s), part))
        total += len(testa[index])
    # Slice 8, after the rest so earlier items keep their rows: every held-out MPQA document
    # still untaken, whatever its length (the longest, 70-87 sentences, and a few of 2-4);
    # eng.testa's prose documents have run out.
    taken = {item[3] for item in items if item[1] == "mpqa"}
    for rel in docs:
        if rel not in taken:
            take(rel, news_set.mpqa_sentences(rel), "selection8")
    items += selection9_items()
    os.makedirs(DIR, exist_ok=True)
    with open(ITEMS, "w", encoding="utf-8") as f:
        f.write("item_id\tsource\tfile\tdoc\tref\tsplit\n")
        for item in items:
            f.write("\t".join(item) + "\n")
    print(f"{ITEMS}: {len(items)} items", file=sys.stderr)


def mpqa_document_items(rel, spans, part):
    """The items of one MPQA document (its sentences' byte spans) in slice `part`."""
    key = "q" + hashlib.sha256(rel.encode("utf-8")).hexdigest()[:6]
    return [("%s-%02d" % (key, n), "mpqa", "mpqa", rel, "%d:%d" % (a, b), part)
            for n, (a, b) in enumerate(spans)]


def selection9_items():
    """Slice 9 (after the rest, so earlier items keep their rows): eng.train prose documents of
    the series the news set left (every 4th from the fourth), then MPQA documents outside the
    held-out fifth and the news set."""
    items = []
    train = news_set.conll_documents(news_set.CONLL)
    prose = [i for i, d in enumerate(train) if news_set.is_prose(d)]
    news = {(it["file"], it["doc"]) for it in news_set.load_items()}
    total = 0
    for index in prose[3::4]:
        if total >= SELECTION9_SIZE:
            break
        if (news_set.CONLL, str(index)) in news:
            continue
        for s in range(len(train[index])):
            items.append(("u%04d-%02d" % (index, s), "reuters", news_set.CONLL, str(index), str(s),
                          "selection9"))
        total += len(train[index])
    mpqa = [rel for rel in news_set.mpqa_documents()
            if not held_out(rel) and ("mpqa", rel) not in news]
    mpqa.sort(key=lambda rel: hashlib.sha256(("selection9:" + rel).encode("utf-8")).hexdigest())
    total = 0
    for rel in mpqa:
        if total >= SELECTION9_SIZE:
            break
        spans = news_set.mpqa_sentences(rel)
        if 5 <= len(spans) <= 35:
            items += mpqa_document_items(rel, spans, "selection9")
            total += len(spans)
    return items


def read_items():
    with open(ITEMS, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def texts(items):
    """item_id -> text, rebuilt from ../shared/data."""
    conll = {rel: news_set.conll_documents(rel) for rel in {it["file"] for it in items}
             if rel.startswith("ner/")}
    out = {}
    for it in items:
        if it["source"] == "mpqa":
            text = news_set.mpqa_text(it["doc"], it["ref"])
        else:
            text = news_set.detokenise(conll[it["file"]][int(it["doc"])][int(it["ref"])])
        out[it["item_id"]] = " ".join(text.split())
    return out


def batches():
    items = read_items()
    labelled = read_pass("pass1")
    items = [it for it in items if it["item_id"] not in labelled]
    text = texts(items)
    out = "/tmp/news_selection/batches"
    os.makedirs(out, exist_ok=True)
    first = 1 + sum(f.endswith(".tsv") for f in os.listdir(os.path.join(LABELS_DIR, "pass1")))
    for n, source in enumerate(["mpqa", "reuters"], first):
        chosen = [it for it in items if it["source"] == source]
        if not chosen:
            continue
        news_labels.write_batch(os.path.join(out, "batch_%02d.md" % n),
                                f"Batch {n:02d}: {source}, {len(chosen)} sentences", chosen, text,
                                lambda doc, source=source: f"{source} document {doc}")
    print(f"{out}: batches from batch_{first:02d}", file=sys.stderr)


def read_pass(name):
    return news_labels.read_pass(name, LABELS_DIR)


def agree():
    items = read_items()
    first, second = read_pass("pass1"), read_pass("pass2")
    by_source = defaultdict(list)
    missing = [it["item_id"] for it in items if it["item_id"] not in first or it["item_id"] not in second]
    if missing:
        sys.exit(f"{len(missing)} items lack a label in one pass, e.g. {missing[:3]}")
    for it in items:
        pair = (first[it["item_id"]], second[it["item_id"]])
        for key in [it["source"], "all", it["split"] + " " + it["source"], it["split"]]:
            by_source[key].append(pair)
    print(f"{'source':<20} {'items':>6} {'agree':>7} {'kappa':>7}")
    for source in sorted(by_source):
        pairs = by_source[source]
        share = sum(a == b for a, b in pairs) / len(pairs)
        print(f"{source:<20} {len(pairs):>6} {share:>7.3f} {news_labels.kappa(pairs):>7.3f}")
    text = texts(items)
    os.makedirs("/tmp/news_selection", exist_ok=True)
    with open("/tmp/news_selection/disagreements.md", "w", encoding="utf-8") as f:
        for it in items:
            i = it["item_id"]
            if first[i] != second[i]:
                f.write(f"{i}\t{first[i]}\t{second[i]}\t{text[i]}\n")


def export(out, part):
    items = [it for it in read_items() if it["split"] == part]
    labels = news_labels.settled([it["item_id"] for it in items], LABELS_DIR)
    text = texts(items)
    news_labels.write_export(out, ({"item_id": it["item_id"], "source": it["source"],
                                    "doc": it["doc"], "split": part,
                                    "label": labels[it["item_id"]], "text": text[it["item_id"]]}
                                   for it in items))
    print(f"{out}: {len(items)} sentences", file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("items")
    sub.add_parser("batches")
    sub.add_parser("agree")
    e = sub.add_parser("export")
    e.add_argument("--out", default="/tmp/news_selection/selection.tsv")
    e.add_argument("--slice", default="selection",
                   choices=[name for name, _ in SLICES] + LATER_SLICES)
    args = p.parse_args()
    {"items": make_items, "batches": batches, "agree": agree,
     "export": lambda: export(args.out, args.slice)}[args.cmd]()


if __name__ == "__main__":
    main()
