#!/usr/bin/env python3
"""Slices of the UD English dev files labelled by the team, whole documents at a time.

`gum` (the default): whole documents of the UD English GUM dev file
(../shared/data/segmentation/en_gum-ud-dev.conllu) in six genres near news (news, interview,
speech, essay, letter, biography), 527 sentences no label model was trained, tuned or
distilled on (the file served only the segmentation measure). Written when the fresh
sources of the earlier slices (eng.testa prose, MPQA held-out documents, English
html-extraction pages) were spent, to judge a labeller soup under a rule committed before
these labels existed (models/README.md).

`ewt` (--corpus ewt): whole weblog and newsgroup documents of the UD English Web Treebank
dev file (en_ewt-ud-dev.conllu): political blogs and discussion groups, 505 sentences of web
text that no label model had read, for a labeller trained on every slice before it
(scripts/labeller_rows.py --with-later-slices) under a rule committed before these labels
existed (models/README.md).

Items (data/gum_slice/, data/ewt_slice/ items.tsv) are references: document id, the
sentence's `sent_id`, a digest of its text; the unit is UD's sentence. Labels: two
independent passes under docs/labelling.md (labels/pass1/, pass2/), disagreements settled by
a third reading (labels/adjudication.tsv), as for the other slices. Licence of the text:
GUM's (CC BY-SA or CC BY per document) and EWT's (CC BY-SA 4.0), research use here; only
references are stored.

    python3 scripts/gum_slice.py [--corpus gum|ewt] items      write the items
    python3 scripts/gum_slice.py [--corpus gum|ewt] batches    the documents, for annotators (/tmp/CORPUS_slice/)
    python3 scripts/gum_slice.py [--corpus gum|ewt] agree      kappa; disagreements to /tmp/CORPUS_slice/disagreements.tsv
    python3 scripts/gum_slice.py [--corpus gum|ewt] export [--out F]
                                            settled labels with text, in the news export's format
                                            (split `gum` or `ewt`; F default /tmp/CORPUS_slice/CORPUS.tsv)
"""
import argparse
import csv
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import news_labels  # noqa: E402
import news_set  # noqa: E402

def corpus(name, conllu, genre_of, genres, prefix):
    return {"name": name, "file": os.path.join(news_set.SHARED, "segmentation", conllu),
            "dir": os.path.join(news_set.ROOT, "data", f"{name}_slice"),
            "labels": os.path.join(news_set.ROOT, "data", f"{name}_slice", "labels"),
            "tmp": f"/tmp/{name}_slice", "genre_of": genre_of, "genres": genres, "prefix": prefix}


CORPORA = {
    "gum": corpus("gum", "en_gum-ud-dev.conllu", lambda doc: doc.split("_")[1],
                  ["news", "interview", "speech", "essay", "letter", "bio"], "g-"),
    "ewt": corpus("ewt", "en_ewt-ud-dev.conllu", lambda doc: doc.split("-")[0],
                  ["weblog", "newsgroup"], "e-"),
}


def documents(c):
    """doc id -> [(sent_id, text)], in file order."""
    docs, doc, sent_id = {}, None, None
    with open(c["file"], encoding="utf-8") as f:
        for line in f:
            if line.startswith("# newdoc id = "):
                doc = line.split("=", 1)[1].strip()
                docs[doc] = []
            elif line.startswith("# sent_id = "):
                sent_id = line.split("=", 1)[1].strip()
            elif line.startswith("# text = "):
                docs[doc].append((sent_id, " ".join(line.split("=", 1)[1].split())))
    return docs


def digest(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def items_path(c):
    return os.path.join(c["dir"], "items.tsv")


def items(c):
    docs = documents(c)
    os.makedirs(c["dir"], exist_ok=True)
    n = 0
    with open(items_path(c), "w", encoding="utf-8") as f:
        f.write("item_id\tdoc\tsent_id\tdigest\n")
        for doc, sentences in docs.items():
            if c["genre_of"](doc) not in c["genres"]:
                continue
            for sent_id, text in sentences:
                f.write(f"{c['prefix']}{sent_id}\t{doc}\t{sent_id}\t{digest(text)}\n")
                n += 1
    print(f"{items_path(c)}: {n} items", file=sys.stderr)


def read_items(c):
    with open(items_path(c), encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def texts(c):
    """item_id -> text, checked against the stored digest."""
    by_id = {sent_id: text for sentences in documents(c).values() for sent_id, text in sentences}
    out = {}
    for it in read_items(c):
        text = by_id.get(it["sent_id"])
        if text is None or digest(text) != it["digest"]:
            sys.exit(f"{it['item_id']}: {c['file']} has no sentence {it['sent_id']} with the stored text")
        out[it["item_id"]] = text
    return out


def batches(c):
    text = texts(c)
    out = c["tmp"]
    os.makedirs(out, exist_ok=True)
    its = read_items(c)
    # two batches, split at a document boundary
    cut = len(its) // 2
    while 0 < cut < len(its) and its[cut]["doc"] == its[cut - 1]["doc"]:
        cut += 1
    halves = [its[:cut], its[cut:]]
    for n, part in enumerate(halves, 1):
        news_labels.write_batch(os.path.join(out, f"batch_{n:02d}.md"),
                                f"{c['name'].upper()} batch {n:02d}: {len(part)} sentences", part,
                                text, lambda doc: f"document {doc}")
        print(f"{out}/batch_{n:02d}.md: {len(part)} sentences", file=sys.stderr)


def agree(c):
    its = read_items(c)
    first, second = news_labels.report_agreement([it["item_id"] for it in its], c["labels"])
    text = texts(c)
    os.makedirs(c["tmp"], exist_ok=True)
    with open(os.path.join(c["tmp"], "disagreements.tsv"), "w", encoding="utf-8") as f:
        for it in its:
            i = it["item_id"]
            if first[i] != second[i]:
                f.write(f"{i}\t{it['doc']}\t{first[i]}\t{second[i]}\t{text[i]}\n")


def rows(c, split):
    """The slice's settled labels with their text, as rows of the news export."""
    its = read_items(c)
    labels = news_labels.settled([it["item_id"] for it in its], c["labels"])
    text = texts(c)
    return [{"item_id": it["item_id"], "source": c["name"], "doc": it["doc"], "split": split,
             "label": labels[it["item_id"]], "text": text[it["item_id"]]} for it in its]


def export(c, out):
    out = out or os.path.join(c["tmp"], f"{c['name']}.tsv")
    written = rows(c, c["name"])
    news_labels.write_export(out, written)
    print(f"{out}: {len(written)} sentences", file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", choices=sorted(CORPORA), default="gum")
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("items", "batches", "agree"):
        sub.add_parser(name)
    e = sub.add_parser("export")
    e.add_argument("--out", default=None)
    args = p.parse_args()
    c = CORPORA[args.corpus]
    {"items": lambda: items(c), "batches": lambda: batches(c), "agree": lambda: agree(c),
     "export": lambda: export(c, args.out)}[args.cmd]()


if __name__ == "__main__":
    main()
