#!/usr/bin/env python3
"""Where do the entity tagger's errors come from? A probe over `eval ner` output.

Reads the predictions file written by
    claimscan eval ner ../shared/data/ner/eng.testa --predictions PRED
and sorts every gold span the tagger missed into: right span with the wrong type (by gold ->
predicted type), a predicted span that overlaps it with other boundaries, or nothing
predicted there; plus the predicted spans that touch no gold span (spurious). For each missed
span it also says whether eng.train has the same string as an entity, and with which type most
often (`train says gold|other|unseen`). Nothing in the product changes.

Usage: scripts/probes/ner_errors.py PRED [--train ../shared/data/ner/eng.train] [--examples N]
"""

import argparse
import collections
import os

from ner_document_types import read_predictions, spans


def training_lexicon(path):
    """String -> Counter of entity types over the spans of a CoNLL-2003 (IOB1) file."""
    lexicon = collections.defaultdict(collections.Counter)
    words, tags = [], []

    def flush():
        bio, previous = [], "O"
        for tag in tags:  # IOB1 -> BIO
            if tag.startswith("I-") and previous[2:] != tag[2:]:
                tag = "B-" + tag[2:]
            bio.append(tag)
            previous = tag
        for start, end, kind in spans(bio):
            lexicon[" ".join(words[start:end])][kind] += 1
        words.clear()
        tags.clear()

    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = line.split()
            if not fields or fields[0] == "-DOCSTART-":
                flush()
                continue
            words.append(fields[0])
            tags.append(fields[-1])
    flush()
    return lexicon


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("predictions")
    ap.add_argument("--train", default=os.path.join(here, "../../../shared/data/ner/eng.train"))
    ap.add_argument("--examples", type=int, default=12)
    args = ap.parse_args()
    lexicon = training_lexicon(args.train)
    counts, examples = collections.Counter(), collections.defaultdict(list)
    for sentence in read_predictions(args.predictions):
        words = [w[0] for w in sentence]
        gold = set(spans([w[1] for w in sentence]))
        predicted = set(spans([w[2] for w in sentence]))
        for start, end, kind in sorted(gold - predicted):
            same = [p for p in predicted if p[:2] == (start, end)]
            overlapping = [p for p in predicted if p[0] < end and start < p[1]]
            if same:
                category = f"type {kind}->{same[0][2]}"
            elif overlapping:
                category = "boundary"
            else:
                category = "missed"
            text = " ".join(words[start:end])
            seen = lexicon.get(text)
            train = "unseen" if not seen else ("gold" if seen.most_common(1)[0][0] == kind else "other")
            counts[category] += 1
            counts[f"{category} | train says {train}"] += 1
            examples[category].append(text)
        for start, end, kind in sorted(predicted - gold):
            if not any(g[0] < end and start < g[1] for g in gold):
                counts["spurious"] += 1
                examples["spurious"].append(" ".join(words[start:end]) + "/" + kind)
    for category, n in sorted(counts.items()):
        print(f"{n:5d}  {category}")
    for category, texts in sorted(examples.items()) if args.examples else []:
        print(f"{category}: {texts[:args.examples]}")


if __name__ == "__main__":
    main()
