#!/usr/bin/env python3
"""Builds the benchmark's news corpus from CoNLL-2003 (ner/eng.train).

Every -DOCSTART- document becomes one UTF-8 .txt file of running text:
  * tokens are joined back into text (approximate detokenisation: no space before
    closing punctuation and clitics, none after opening brackets and currency, straight
    double quotes paired open/close);
  * a CoNLL sentence that ends like a sentence (. ! ? or a closing quote/bracket after one)
    continues the current paragraph; any other sentence (headline, byline, dateline, score
    line) stands on its own line between blank lines, as in a wire story.

Writes <out>/1x/docNNNN.txt and, with --copies N, <out>/<N>x/cKK/docNNNN.txt: N copies of
the corpus in which copy KK > 0 has one marker word inserted after the first token of every
CoNLL sentence (a different word per copy). No sentence text of a copy repeats one of another
copy, so claimscan's duplicate-sentence cache hits exactly as often per copy as in the 1x
corpus, and the 10x run really encodes 10x the sentences. The marker is a one-piece word for
the MiniLM tokenizer (+1 word piece per sentence); corpus.json records the exact sizes.
Also writes <out>/<N>x-same/: N identical copies (every copy after the first is answered from
claimscan's cache), which separates the cache's own memory from the rest in the RSS check.

Usage: bench_corpus.py CONLL OUT_DIR [--docs N] [--copies N]
"""

import argparse
import json
import os
import re
import shutil
import sys

NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "'s", "'S", "n't", "N'T",
                   "'re", "'ve", "'ll", "'d", "'m", "'", "...", "'RE", "'VE", "'LL", "'D", "'M"}
NO_SPACE_AFTER = {"(", "[", "{", "$", "US$", "C$", "A$", "#"}
SENTENCE_END = re.compile(r"[.!?]['\")\]]*$")
# Common English words that the uncased MiniLM WordPiece vocabulary holds as one piece.
MARKERS = ["red", "blue", "green", "brown", "black", "white", "gray", "pink", "gold",
           "silver", "orange", "purple", "yellow", "violet", "copper", "iron", "stone",
           "wood", "glass", "paper"]


def read_conll(path):
    """Yields documents as lists of sentences (lists of tokens)."""
    doc, sent = None, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                if sent and doc is not None:
                    doc.append(sent)
                sent = []
                continue
            token = line.split(" ")[0]
            if token == "-DOCSTART-":
                if sent and doc is not None:
                    doc.append(sent)
                sent = []
                if doc:
                    yield doc
                doc = []
                continue
            sent.append(token)
    if sent and doc is not None:
        doc.append(sent)
    if doc:
        yield doc


def detokenise(tokens):
    """Joins CoNLL tokens into plausible running text."""
    out = []
    quote_open = False
    glue_next = False  # no space before the next token
    for tok in tokens:
        space = bool(out) and not glue_next
        glue_next = False
        if tok == '"':
            if quote_open:  # closing quote sticks to what precedes it
                space = False
            else:  # opening quote sticks to what follows it
                glue_next = True
            quote_open = not quote_open
        elif tok in NO_SPACE_BEFORE or tok.lower() in {"n't", "'s"}:
            space = False
        if tok in NO_SPACE_AFTER:
            glue_next = True
        if space:
            out.append(" ")
        out.append(tok)
    return "".join(out)


def render(doc, marker=None):
    """One document as text: running paragraphs plus stand-alone heading-like lines."""
    blocks, para = [], []
    for sent in doc:
        if marker is not None:
            sent = sent[:1] + [marker] + sent[1:]
        text = detokenise(sent)
        if SENTENCE_END.search(text):
            para.append(text)
        else:
            if para:
                blocks.append(" ".join(para))
                para = []
            blocks.append(text)
    if para:
        blocks.append(" ".join(para))
    return "\n\n".join(blocks) + "\n"


def write_corpus(docs, out_dir, marker=None):
    os.makedirs(out_dir, exist_ok=True)
    chars = sentences = 0
    for i, doc in enumerate(docs):
        text = render(doc, marker)
        with open(os.path.join(out_dir, f"doc{i:04d}.txt"), "w", encoding="utf-8") as f:
            f.write(text)
        chars += len(text)
        sentences += len(doc)
    return {"documents": len(docs), "characters": chars, "conll_sentences": sentences}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("conll")
    ap.add_argument("out")
    ap.add_argument("--docs", type=int, default=0, help="first N documents only (0: all)")
    ap.add_argument("--copies", type=int, default=10, help="size of the scaled corpus (0: none)")
    args = ap.parse_args()
    if args.copies > len(MARKERS) + 1:
        sys.exit(f"at most {len(MARKERS) + 1} copies")

    docs = list(read_conll(args.conll))
    if args.docs:
        docs = docs[: args.docs]
    for sub in ("1x", f"{args.copies}x", f"{args.copies}x-same"):
        shutil.rmtree(os.path.join(args.out, sub), ignore_errors=True)
    info = {"source": os.path.abspath(args.conll), "1x": write_corpus(docs, os.path.join(args.out, "1x"))}
    if args.copies > 1:
        total = {"documents": 0, "characters": 0, "conll_sentences": 0}
        for k in range(args.copies):
            marker = None if k == 0 else MARKERS[k - 1]
            part = write_corpus(docs, os.path.join(args.out, f"{args.copies}x", f"c{k:02d}"), marker)
            for key in total:
                total[key] += part[key]
        total["markers"] = MARKERS[: args.copies - 1]
        info[f"{args.copies}x"] = total
        for k in range(args.copies):
            write_corpus(docs, os.path.join(args.out, f"{args.copies}x-same", f"c{k:02d}"))
    with open(os.path.join(args.out, "corpus.json"), "w") as f:
        json.dump(info, f, indent=2)
    print(json.dumps(info))


if __name__ == "__main__":
    main()
