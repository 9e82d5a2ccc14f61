#!/usr/bin/env python3
"""Would document-level consistency help the entity tagger? A probe over `eval ner` output.

Reads the predictions file written by
    claimscan eval ner ../shared/data/ner/eng.testa --predictions PRED
(one `WORD GOLD PREDICTED` line per word, a blank line after each sentence) and the CoNLL file
itself for its -DOCSTART- document boundaries, then scores span F1 (exact, BIO) three ways:
as predicted; with every mention of a string in a document given the type most of its
mentions in that document have; and that plus tagging unlabelled capitalised repeats of a
predicted name elsewhere in the document. Nothing in the product changes.

Usage: scripts/probes/ner_document_types.py PRED [--conll ../shared/data/ner/eng.testa]
"""

import argparse
import collections
import os


def spans(tags):
    """Exact (start, end, type) spans of a BIO tag sequence."""
    out, start, kind = [], None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        if tag == "O" or tag.startswith("B-") or (tag.startswith("I-") and tag[2:] != kind):
            if start is not None:
                out.append((start, i, kind))
            start, kind = None, None
            if tag != "O":
                start, kind = i, tag[2:]
    return out


def read_sentences(path, separator=" "):
    """A file of one line per word and a blank line after each sentence, as lists of fields."""
    sentences, current = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                if current:
                    sentences.append(current)
                    current = []
                continue
            current.append(line.split(separator))
    if current:
        sentences.append(current)
    return sentences


def read_predictions(path):
    """`eval ner --predictions` output: [word, gold, predicted] per word."""
    return read_sentences(path)


def document_of_each_sentence(conll):
    ids, doc, open_sentence = [], -1, False
    with open(conll, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("-DOCSTART-"):
                doc += 1
                open_sentence = False
            elif not line:
                if open_sentence:
                    ids.append(doc)
                open_sentence = False
            else:
                open_sentence = True
    if open_sentence:
        ids.append(doc)
    return ids


def f1(sentences, predicted):
    gold_n = pred_n = correct = 0
    for sentence, pred in zip(sentences, predicted):
        gold = set(spans([w[1] for w in sentence]))
        gold_n += len(gold)
        pred_n += len(pred)
        correct += len(gold & set(pred))
    p, r = correct / pred_n, correct / gold_n
    return 2 * p * r / (p + r), p, r


def main():
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("predictions")
    ap.add_argument("--conll", default=os.path.join(here, "..", "shared", "data", "ner", "eng.testa"))
    args = ap.parse_args()
    sentences = read_predictions(args.predictions)
    docs = document_of_each_sentence(args.conll)
    assert len(docs) == len(sentences), (len(docs), len(sentences))
    words = [[w[0] for w in s] for s in sentences]
    base = [spans([w[2] for w in s]) for s in sentences]

    by_doc = collections.defaultdict(list)
    for i, d in enumerate(docs):
        by_doc[d].append(i)
    majority = [list(b) for b in base]
    for members in by_doc.values():
        counts = collections.defaultdict(collections.Counter)
        for i in members:
            for a, b, kind in base[i]:
                counts[" ".join(words[i][a:b])][kind] += 1
        for i in members:
            majority[i] = [(a, b, counts[" ".join(words[i][a:b])].most_common(1)[0][0]) for a, b, _ in base[i]]
    spread = [list(m) for m in majority]
    for members in by_doc.values():
        names = {}
        for i in members:
            for a, b, kind in majority[i]:
                names[tuple(words[i][a:b])] = kind
        for i in members:
            taken = {k for a, b, _ in spread[i] for k in range(a, b)}
            for name, kind in sorted(names.items(), key=lambda x: -len(x[0])):
                n = len(name)
                for a in range(len(words[i]) - n + 1):
                    free = not any(k in taken for k in range(a, a + n))
                    if tuple(words[i][a:a + n]) == name and free and name[0][:1].isupper():
                        spread[i].append((a, a + n, kind))
                        taken.update(range(a, a + n))
    for name, predicted in (("as predicted", base), ("document majority type", majority),
                            ("majority type + repeated names", spread)):
        score, p, r = f1(sentences, predicted)
        print(f"{name}\tF1 {score:.4f}\tP {p:.4f}\tR {r:.4f}")


if __name__ == "__main__":
    main()
