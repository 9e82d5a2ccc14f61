#!/usr/bin/env python3
"""A GUM slice labelled by the team: whole documents of the UD English GUM dev file
(../shared/data/segmentation/en_gum-ud-dev.conllu) in six genres near news (news, interview,
speech, essay, letter, biography), 527 sentences no label model was trained, tuned or
distilled on (the file served only the segmentation measure). Written when the fresh
sources of the earlier slices (eng.testa prose, MPQA held-out documents, English
html-extraction pages) were spent, to judge a labeller soup under a rule committed before
these labels existed (models/README.md).

Items (data/gum_slice/items.tsv) are references: document id, the sentence's `sent_id`, a
digest of its text; the unit is UD's sentence. Labels: two independent passes under
docs/labelling.md (labels/pass1/, pass2/), disagreements settled by a third reading
(labels/adjudication.tsv), as for the other slices. Licence of the text: GUM's (CC BY-SA or
CC BY per document, research use here); only references are stored.

    python3 scripts/gum_slice.py items      write data/gum_slice/items.tsv
    python3 scripts/gum_slice.py batches    the documents, for annotators (/tmp/gum_slice/)
    python3 scripts/gum_slice.py agree      kappa; disagreements to /tmp/gum_slice/disagreements.tsv
    python3 scripts/gum_slice.py export [--out F]
                                            settled labels with text, in the news export's format
                                            (split `gum`; F default /tmp/gum_slice/gum.tsv)
"""
import argparse
import csv
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import news_labels  # noqa: E402
import news_set  # noqa: E402

DIR = os.path.join(news_set.ROOT, "data", "gum_slice")
ITEMS = os.path.join(DIR, "items.tsv")
LABELS_DIR = os.path.join(DIR, "labels")
GUM = os.path.join(news_set.SHARED, "segmentation", "en_gum-ud-dev.conllu")
GENRES = ["news", "interview", "speech", "essay", "letter", "bio"]


def documents():
    """doc id -> [(sent_id, text)], in file order."""
    docs, doc, sent_id = {}, None, None
    with open(GUM, encoding="utf-8") as f:
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


def items():
    docs = documents()
    os.makedirs(DIR, exist_ok=True)
    n = 0
    with open(ITEMS, "w", encoding="utf-8") as f:
        f.write("item_id\tdoc\tsent_id\tdigest\n")
        for doc, sentences in docs.items():
            if doc.split("_")[1] not in GENRES:
                continue
            for sent_id, text in sentences:
                f.write(f"g-{sent_id}\t{doc}\t{sent_id}\t{digest(text)}\n")
                n += 1
    print(f"{ITEMS}: {n} items", file=sys.stderr)


def read_items():
    with open(ITEMS, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def texts():
    """item_id -> text, checked against the stored digest."""
    by_id = {sent_id: text for sentences in documents().values() for sent_id, text in sentences}
    out = {}
    for it in read_items():
        text = by_id.get(it["sent_id"])
        if text is None or digest(text) != it["digest"]:
            sys.exit(f"{it['item_id']}: {GUM} has no sentence {it['sent_id']} with the stored text")
        out[it["item_id"]] = text
    return out


def batches():
    text = texts()
    out = "/tmp/gum_slice"
    os.makedirs(out, exist_ok=True)
    its = read_items()
    # two batches, split at a document boundary
    cut = len(its) // 2
    while 0 < cut < len(its) and its[cut]["doc"] == its[cut - 1]["doc"]:
        cut += 1
    halves = [its[:cut], its[cut:]]
    for n, part in enumerate(halves, 1):
        news_labels.write_batch(os.path.join(out, f"batch_{n:02d}.md"),
                                f"GUM batch {n:02d}: {len(part)} sentences", part, text,
                                lambda doc: f"document {doc}")
        print(f"{out}/batch_{n:02d}.md: {len(part)} sentences", file=sys.stderr)


def agree():
    its = read_items()
    first, second = news_labels.report_agreement([it["item_id"] for it in its], LABELS_DIR)
    text = texts()
    os.makedirs("/tmp/gum_slice", exist_ok=True)
    with open("/tmp/gum_slice/disagreements.tsv", "w", encoding="utf-8") as f:
        for it in its:
            i = it["item_id"]
            if first[i] != second[i]:
                f.write(f"{i}\t{it['doc']}\t{first[i]}\t{second[i]}\t{text[i]}\n")


def export(out):
    its = read_items()
    labels = news_labels.settled([it["item_id"] for it in its], LABELS_DIR)
    text = texts()
    news_labels.write_export(out, ({"item_id": it["item_id"], "source": "gum", "doc": it["doc"],
                                    "split": "gum", "label": labels[it["item_id"]],
                                    "text": text[it["item_id"]]} for it in its))
    print(f"{out}: {len(its)} sentences", file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("items", "batches", "agree"):
        sub.add_parser(name)
    e = sub.add_parser("export")
    e.add_argument("--out", default="/tmp/gum_slice/gum.tsv")
    args = p.parse_args()
    {"items": items, "batches": batches, "agree": agree,
     "export": lambda: export(args.out)}[args.cmd]()


if __name__ == "__main__":
    main()
