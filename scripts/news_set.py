#!/usr/bin/env python3
"""News sentence set for annotation: about 3,000 real news sentences, kept as references only.

The sentences come from /work/shared/data (see its README.md), whose licences do not let us
copy the text into this repository. data/news/items.tsv therefore holds only references
(file, document key, sentence index / id / character offsets) plus the split; the text is
rebuilt from the shared data on demand, into /tmp or another git-ignored folder.

Sources:
  reuters   every 4th prose document of CoNLL-2003 eng.train (results tables and sports
            pages skipped), whole documents, until about 1,400 sentences; then (2026-12-06)
            the train-split documents of a second every-4th series (offset 2) until about
            1,300 more, so the dev fifth stays as it was; then (fifth round) the train-split
            documents of a third series (offset 1) until about 700 more
  checkthat every row of CheckThat! 2025 subjectivity train_en.tsv and dev_en.tsv
  sample    the project's sample article, split by target/release/claimscan
  debate    200 rows spread over CT24_checkworthy_english_train.tsv (political debates)
  mpqa      whole MPQA 1.2 documents (world press, 2001-2002: more opinion and speculation
            than the Reuters wire), about 1,300 sentences (about 1,950 more from
            2026-12-06, and 1,300 more in its second session), only documents outside MPQA's held-out attribution fifth and outside
            this set's dev fifth, so both dev sets stay as they were; references are the
            GATE_sentence byte spans

Split: dev for a fixed fifth of documents (sha256 of source:doc), train otherwise; the
sample article is dev, CheckThat! rows keep their own file's split.

Commands (from the project root):
  python3 scripts/news_set.py build              write data/news/items.tsv
  python3 scripts/news_set.py text [--out DIR] [--unlabelled]
                                                 write DIR/items_text.tsv and DIR/batches/
                                                 (default DIR=/tmp/news_set); --unlabelled:
                                                 batches only for items data/news/labels.tsv
                                                 lacks, numbered after the labelled ones
  python3 scripts/news_set.py check              every item rebuilds; counts per source/split
"""
import argparse
import csv
import hashlib
import os
import re
import subprocess
import sys
import time
from collections import Counter, OrderedDict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")
ITEMS = os.path.join(ROOT, "data", "news", "items.tsv")
COLUMNS = ["item_id", "source", "file", "doc", "ref", "split"]

CONLL = "ner/eng.train"
CHECKTHAT = ["subjectivity/train_en.tsv", "subjectivity/dev_en.tsv"]
SAMPLE = "corpus/russia-iran-treaty.txt"
DEBATE = "checkworthiness/CT24_checkworthy_english_train.tsv"
BINARY = os.path.join(ROOT, "target", "release", "claimscan")

REUTERS_TARGET = 1400  # sentences
REUTERS_EXTRA_TARGET = 1300  # sentences of the second series (train documents only; 650 until the second round)
REUTERS_THIRD_TARGET = 700  # sentences of a third series (train documents only; from the fifth round)
DEBATE_ROWS = 200
SOURCES = ["reuters", "sample", "checkthat", "debate", "mpqa"]  # also the batch order
BATCH_SIZE = {"reuters": 130, "checkthat": 130, "debate": 100, "mpqa": 130}  # sample: one batch
MPQA_TARGET = 5850  # sentences (1,300, then 1,950, then 1,300 more twice on 2026-12-06, second session)
MPQA_MAX_DOC = 60  # longer documents would crowd out the others
# Upper-case headers of sports pages and results tables (matched as whole words).
SPORTS = re.compile(r"\b(SOCCER|CRICKET|TENNIS|GOLF|BASEBALL|RUGBY|RESULTS?|STANDINGS|NHL|NBA|NFL)\b")
# Ranking lines: the numeric share alone misses them, names and brackets dilute the numbers.
RANK = re.compile(r"\d+\.$")


def shared(rel):
    return os.path.join(SHARED, rel)


# ---------------------------------------------------------------- reuters (CoNLL-2003)

def conll_documents(rel=CONLL):
    """List of documents, each a list of sentences (lists of words); index = -DOCSTART- count."""
    docs, sent = [], []
    with open(shared(rel), encoding="utf-8") as f:
        for line in f:
            word = line.split(" ", 1)[0].strip()
            if word == "-DOCSTART-":
                docs.append([])
            elif word:
                sent.append(word)
            elif sent:
                docs[-1].append(sent)
                sent = []
    if sent:
        docs[-1].append(sent)
    return docs


NO_SPACE_BEFORE = {",", ".", ";", ":", ")", "%", "'", "'s", "n't", "'re", "'ve", "'ll", "'d", "'m"}
NO_SPACE_AFTER = {"(", "$", "`", "``"}


def detokenise(words):
    """Plain, deterministic detokenisation for display (not a faithful reconstruction)."""
    out, glue_next, in_quote = "", True, False
    for w in words:
        if w == '"':  # straight quotes alternate: an opening one glues right, a closing one left
            in_quote = not in_quote
            glue = glue_next or not in_quote
        else:
            glue = glue_next or w.lower() in NO_SPACE_BEFORE
        out += ("" if glue else " ") + w
        glue_next = w in NO_SPACE_AFTER or (w == '"' and in_quote)
    return out


def is_numeric(word):
    return any(c.isdigit() for c in word) and not any(c.isalpha() for c in word)


def is_table_row(sentence):
    """Mostly numbers, or a ranking line ("1. Michael Schumacher (Germany) Ferrari ...")."""
    return sum(map(is_numeric, sentence)) > 0.3 * len(sentence) or bool(RANK.match(sentence[0]))


def is_prose(doc):
    """False for results tables and the listed sports pages."""
    if not doc or SPORTS.search(" ".join(doc[0])):
        return False
    return sum(map(is_table_row, doc)) <= 0.4 * len(doc)


def reuters_items():
    docs = conll_documents()
    prose = [i for i, d in enumerate(docs) if is_prose(d)]
    items = []

    def take(series, target, train_only):
        """Whole documents of `series` in file order until `target` sentences."""
        total = 0
        for doc_index in series:
            if total >= target:
                break
            if train_only and split_of("reuters", CONLL, str(doc_index)) != "train":
                continue
            for s in range(len(docs[doc_index])):
                items.append(("r%04d-%02d" % (doc_index, s), "reuters", CONLL, str(doc_index), str(s)))
            total += len(docs[doc_index])

    take(prose[::4], REUTERS_TARGET, train_only=False)  # every 4th prose document
    # The later series add train documents only: a new dev document would change dev.
    take(prose[2::4], REUTERS_EXTRA_TARGET, train_only=True)
    take(prose[1::4], REUTERS_THIRD_TARGET, train_only=True)  # the fifth labelling round
    return items


# ---------------------------------------------------------------- tsv sources

def read_tsv(rel):
    """Rows as dicts; QUOTE_NONE because both files contain bare quotes."""
    with open(shared(rel), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def checkthat_items():
    items, used = [], set()
    for rel in CHECKTHAT:
        for row in read_tsv(rel):
            sid = row["sentence_id"]
            n = 8  # lengthen the prefix only if two ids share it
            while "c-" + sid[:n] in used and n < len(sid):
                n += 1
            used.add("c-" + sid[:n])
            items.append(("c-" + sid[:n], "checkthat", rel, sid, sid))
    return items


def debate_items():
    rows = [r for r in read_tsv(DEBATE) if len(r["Text"].split()) >= 5]
    step = len(rows) // DEBATE_ROWS  # every step-th eligible row spreads them over the file
    return [("d-" + r["Sentence_id"], "debate", DEBATE, r["Sentence_id"], r["Sentence_id"])
            for r in rows[::step][:DEBATE_ROWS]]


# ---------------------------------------------------------------- MPQA 1.2

def mpqa_documents():
    """Document paths of the MPQA release, in its own list order."""
    import mpqa_attribution as m
    with open(os.path.join(m.MPQA, "Release-Full-Doclist"), encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()]


def mpqa_sentences(rel):
    """(start, end) byte spans of the document's GATE_sentence annotations, in order."""
    import mpqa_attribution as m
    path = os.path.join(m.MPQA, "man_anns", rel, "gatesentences.mpqa.1.2")
    return sorted((a, b) for a, b, t, _ in m.annotations(path) if t == "GATE_sentence" and b > a)


def mpqa_text(rel, span):
    import mpqa_attribution as m
    start, end = map(int, span.split(":"))
    with open(os.path.join(m.MPQA, "docs", rel), "rb") as f:
        return f.read()[start:end].decode("latin-1")


def mpqa_items():
    def held_out(rel):  # scripts/mpqa_attribution.py's dev fifth
        return int(hashlib.sha256(rel.encode("utf-8")).hexdigest(), 16) % 5 == 0

    docs = [rel for rel in mpqa_documents()
            if not held_out(rel) and split_of("mpqa", "mpqa", rel) == "train"]
    # A fixed pseudo-random order spreads the documents over topics and sources.
    docs.sort(key=lambda rel: hashlib.sha256(("select:" + rel).encode("utf-8")).hexdigest())
    items, total = [], 0
    for rel in docs:
        if total >= MPQA_TARGET:
            break
        spans = mpqa_sentences(rel)
        if not spans or len(spans) > MPQA_MAX_DOC:
            continue
        key = "m" + hashlib.sha256(rel.encode("utf-8")).hexdigest()[:6]
        for n, (a, b) in enumerate(spans):
            items.append(("%s-%02d" % (key, n), "mpqa", "mpqa", rel, "%d:%d" % (a, b)))
        total += len(spans)
    return items


# ---------------------------------------------------------------- sample article

def read_sample():
    # utf-8-sig and newline="" mirror claimscan's reader (BOM dropped, line ends kept),
    # so its character offsets index this string.
    with open(shared(SAMPLE), encoding="utf-8-sig", newline="") as f:
        return f.read()


def sample_spans():
    """(start, end) code-point spans of the article's sentences, preferably claimscan's."""
    deadline = time.time() + 15 * 60
    while not os.path.exists(BINARY) and time.time() < deadline:
        print("waiting for %s ..." % BINARY, file=sys.stderr)
        time.sleep(30)
    text = read_sample()
    if not os.path.exists(BINARY):
        print("warning: no claimscan binary; splitting the sample on lines and '. '", file=sys.stderr)
        spans, pos = [], 0
        for piece in re.split(r"(?<=\n)|(?<=\. )", text):
            stripped = piece.strip()
            if stripped:
                start = pos + piece.index(stripped)
                spans.append((start, start + len(stripped)))
            pos += len(piece)
        return spans
    out = "/tmp/news_set_sample"
    subprocess.run([BINARY, "annotate", "--quiet", shared(SAMPLE), "-o", out], cwd=ROOT, check=True)
    spans = []
    with open(os.path.join(out, "sentences.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            start, end = int(row["start"]), int(row["end"])
            assert text[start:end] == row["text"], "claimscan offsets do not index the file"
            spans.append((start, end))
    return spans


def sample_items():
    return [("s-%03d" % i, "sample", SAMPLE, "russia-iran-treaty", "%d:%d" % span)
            for i, span in enumerate(sample_spans())]


# ---------------------------------------------------------------- build / rebuild

def split_of(source, file, doc):
    if source == "sample":
        return "dev"
    if source == "checkthat":
        return "dev" if file.endswith("dev_en.tsv") else "train"
    digest = hashlib.sha256((source + ":" + doc).encode("utf-8")).hexdigest()
    return "dev" if int(digest, 16) % 5 == 0 else "train"


def select_items():
    rows = []
    for item in reuters_items() + sample_items() + checkthat_items() + debate_items() + mpqa_items():
        rows.append(dict(zip(COLUMNS, item + (split_of(*item[1:4]),))))
    ids = [r["item_id"] for r in rows]
    assert len(ids) == len(set(ids)), "duplicate item ids"
    return rows


def load_items():
    with open(ITEMS, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def rebuild_texts(items):
    """item_id -> text read from the shared data; whitespace flattened for TSV / display."""
    docs = conll_documents()
    sample = read_sample()
    columns = {CHECKTHAT[0]: ("sentence_id", "sentence"), CHECKTHAT[1]: ("sentence_id", "sentence"),
               DEBATE: ("Sentence_id", "Text")}
    tsv = {rel: {r[i]: r[t] for r in read_tsv(rel)} for rel, (i, t) in columns.items()}
    texts = {}
    for it in items:
        if it["source"] == "reuters":
            text = detokenise(docs[int(it["doc"])][int(it["ref"])])
        elif it["source"] == "sample":
            start, end = map(int, it["ref"].split(":"))
            text = sample[start:end]
        elif it["source"] == "mpqa":
            text = mpqa_text(it["doc"], it["ref"])
        else:
            text = tsv[it["file"]].get(it["ref"], "")
        texts[it["item_id"]] = " ".join(text.split())
    return texts


def batches(items):
    """Per source, documents in order, cut into balanced batches that never split a document."""
    out = []
    for source in SOURCES:
        docs = OrderedDict()
        for it in items:
            if it["source"] == source:
                docs.setdefault((it["file"], it["doc"]), []).append(it)
        total = sum(map(len, docs.values()))
        if not total:
            continue
        count = max(1, round(total / BATCH_SIZE[source])) if source in BATCH_SIZE else 1
        per_batch, done = total / count, 0
        chunk = [[] for _ in range(count)]
        for doc_items in docs.values():
            # A document goes to the batch holding its midpoint: balanced and never split.
            chunk[min(count - 1, int((done + len(doc_items) / 2) / per_batch))].append(doc_items)
            done += len(doc_items)
        out.extend((source, c) for c in chunk if c)
    return out


def labelled_ids():
    path = os.path.join(ROOT, "data", "news", "labels.tsv")
    with open(path, encoding="utf-8", newline="") as f:
        return {row["item_id"] for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)}


def first_new_batch():
    """One past the highest batch number either labelling pass has a file for."""
    numbers = [int(m.group(1)) for name in ("pass1", "pass2")
               for f in os.listdir(os.path.join(ROOT, "data", "news", "labels", name))
               for m in [re.fullmatch(r"batch_(\d+)\.tsv", f)] if m]
    return max(numbers, default=0) + 1


def write_text(out_dir, unlabelled=False):
    items = load_items()
    texts = rebuild_texts(items)
    first = 1
    if unlabelled:
        done = labelled_ids()
        items = [it for it in items if it["item_id"] not in done]
        first = first_new_batch()
    os.makedirs(os.path.join(out_dir, "batches"), exist_ok=True)
    for old in os.listdir(os.path.join(out_dir, "batches")):  # no stale batches from a larger run
        if re.fullmatch(r"batch_\d+\.md", old):
            os.remove(os.path.join(out_dir, "batches", old))
    with open(os.path.join(out_dir, "items_text.tsv"), "w", encoding="utf-8") as f:
        f.write("item_id\tsource\tsplit\ttext\n")
        for it in items:
            f.write("%s\t%s\t%s\t%s\n" % (it["item_id"], it["source"], it["split"], texts[it["item_id"]]))
    sizes = []
    for n, (source, docs) in enumerate(batches(items), first):
        size = sum(map(len, docs))
        sizes.append(size)
        lines = ["# Batch %02d: %s, %d sentences" % (n, source, size), ""]
        current_file = None
        for doc in docs:
            first = doc[0]
            if source in ("reuters", "sample", "mpqa"):
                lines += ["## %s %s (%s)" % (source, first["doc"], first["split"]), ""]
            elif first["file"] != current_file:
                # Single sentences without context: one section per file, not per sentence.
                lines += [""] if current_file else []
                current_file = first["file"]
                lines += ["## %s %s (each line is its own document)" % (source, current_file), ""]
            lines += ["%s\t%s" % (it["item_id"], texts[it["item_id"]]) for it in doc]
            if source in ("reuters", "sample", "mpqa"):
                lines.append("")
        with open(os.path.join(out_dir, "batches", "batch_%02d.md" % n), "w", encoding="utf-8") as f:
            f.write("\n".join(lines).rstrip("\n") + "\n")
    print("%d items -> %s/items_text.tsv" % (len(items), out_dir))
    print("%d batches in %s/batches: %s" % (len(sizes), out_dir, " ".join(map(str, sizes))))


def check():
    items = load_items()
    texts = rebuild_texts(items)
    empty = [i for i, t in texts.items() if not t]
    counts = Counter((it["source"], it["split"]) for it in items)
    docs = Counter(source for source, _ in {(it["source"], it["doc"]) for it in items})
    for source in SOURCES:
        print("%-10s train %5d  dev %5d  documents %d" % (
            source, counts[(source, "train")], counts[(source, "dev")], docs[source]))
    print("total      %d items" % len(items))
    if len({it["item_id"] for it in items}) != len(items):
        sys.exit("duplicate item ids")
    if empty:
        sys.exit("%d items do not rebuild: %s" % (len(empty), " ".join(empty[:10])))
    print("ok: every item rebuilds to non-empty text")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["build", "text", "check"])
    ap.add_argument("--out", default="/tmp/news_set", help="text: output folder (keep it outside data/)")
    ap.add_argument("--unlabelled", action="store_true",
                    help="text: batches only for items without a settled label")
    args = ap.parse_args()
    if args.command == "build":
        rows = select_items()
        os.makedirs(os.path.dirname(ITEMS), exist_ok=True)
        with open(ITEMS, "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, COLUMNS, delimiter="\t", quoting=csv.QUOTE_NONE, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        print("%d items -> %s" % (len(rows), os.path.relpath(ITEMS, ROOT)))
    elif args.command == "text":
        data = os.path.join(ROOT, "data")
        if os.path.commonpath([os.path.abspath(args.out), data]) == data:
            sys.exit("refusing to write text under data/: licensed text stays out of the repository")
        write_text(args.out, args.unlabelled)
    else:
        check()


if __name__ == "__main__":
    main()
