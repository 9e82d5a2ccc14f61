#!/usr/bin/env python3
"""Can a word-pair model find sentence ends that have no punctuation (lost line breaks)?

Most of what the segmenter misses on UD EWT are boundaries with nothing at them: mail lines,
signature names, forum posts without full stops, joined by a space when the UD text is rebuilt.
This probe trains a hashed logistic model on word pairs from the training sets in
../shared/data (CT24, CheckThat! train_en, the CoNLL-2010 Wikipedia sentences, CoNLL-2003
eng.train): positives pair a sentence's last word, its final punctuation removed, with the next
sentence's first word; negatives are word pairs inside sentences. It then scores every gap
between two words in the EWT and GUM dev texts whose left word has no sentence punctuation and
prints, per logit threshold, how many such gaps it would cut that are gold boundaries (tp) and
how many are not (fp). Nothing in the product changes.

Usage: .venv-bench/bin/python scripts/probes/line_break_pairs.py [--data ../shared/data]
(about 2 minutes on 2 cores)
"""

import argparse
import csv
import os
import random
import re
import sys
import zlib

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ud_boundary_patterns import documents  # noqa: E402

TERMINAL = re.compile(r"[.!?:;…][\"')\]”’]*$")
BUCKETS = 1 << 20


def shape(word):
    if re.fullmatch(r"[A-Z][a-z].*", word):
        return "Cap"
    if word.isupper() and len(word) > 1:
        return "UP"
    if re.fullmatch(r"[A-Z]", word):
        return "C1"
    if word[:1].islower():
        return "low"
    if word[:1].isdigit():
        return "dig"
    return "other"


def features(left, right):
    bare = lambda w: w.strip("\"'()[]“”‘’")
    l, r = bare(left).lower(), bare(right).lower()
    ls, rs = shape(bare(left) or left), shape(bare(right) or right)
    names = [f"l={l}", f"r={r}", f"lr={l}|{r}", f"ls={ls}", f"rs={rs}", f"lsrs={ls}|{rs}",
             f"l={l}|rs={rs}", f"ls={ls}|r={r}", "bias"]
    return [zlib.crc32(n.encode()) % BUCKETS for n in names]


def training_sentences(data):
    out = []
    with open(os.path.join(data, "checkworthiness", "CT24_checkworthy_english_train.tsv"), encoding="utf-8") as f:
        out += [r["Text"] for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
    with open(os.path.join(data, "subjectivity", "train_en.tsv"), encoding="utf-8") as f:
        out += [r["sentence"] for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
    with open(os.path.join(data, "uncertainty", "wiki_weasel_train.csv"), encoding="utf-8") as f:
        out += [r["text"].strip() for r in csv.DictReader(f)]
    words = []
    with open(os.path.join(data, "ner", "eng.train"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("-DOCSTART-"):
                if words:
                    out.append(" ".join(words))
                    words = []
            else:
                words.append(line.split()[0])
    return [s.split() for s in out if len(s.split()) >= 2]


def main():
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(here, "..", "shared", "data"))
    args = ap.parse_args()
    random.seed(0)
    torch.manual_seed(0)
    torch.set_num_threads(2)
    sentences = training_sentences(args.data)
    rows, labels = [], []
    for i, s in enumerate(sentences):
        for a, b in zip(s, s[1:]):
            if not TERMINAL.search(a) and not a.endswith(",") and random.random() < 0.25:
                rows.append(features(a, b))
                labels.append(0.0)
        following = sentences[(i + 1) % len(sentences)]
        last = s[-2] if s[-1] in ".!?" and len(s) > 2 else re.sub(r"[.!?:;…]+([\"')\]”’]*)$", r"\1", s[-1])
        if last:
            rows.append(features(last, following[0]))
            labels.append(1.0)
    x, y = torch.tensor(rows), torch.tensor(labels)
    model = torch.nn.EmbeddingBag(BUCKETS, 1, mode="sum")
    torch.nn.init.zeros_(model.weight)
    opt = torch.optim.Adagrad(model.parameters(), lr=0.2)
    for _ in range(4):
        order = torch.randperm(len(rows))
        for start in range(0, len(rows), 4096):
            batch = order[start:start + 4096]
            loss = torch.nn.functional.binary_cross_entropy_with_logits(model(x[batch]).squeeze(-1), y[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
    print(f"trained on {len(rows)} word pairs ({int(y.sum())} sentence ends) from {len(sentences)} sentences")
    for name in ("en_ewt-ud-dev", "en_gum-ud-dev"):
        scored = []
        with torch.no_grad():
            for text, starts in documents(os.path.join(args.data, "segmentation", name + ".conllu")):
                tokens = [(m.start(), m.group()) for m in re.finditer(r"\S+", text)]
                for (pa, a), (pb, b) in zip(tokens, tokens[1:]):
                    if TERMINAL.search(a) or "\n" in text[pa:pb]:
                        continue
                    scored.append((float(model(torch.tensor([features(a, b)])).squeeze()), pb in starts))
        boundaries = sum(1 for _, is_gold in scored if is_gold)
        print(f"{name}: {len(scored)} gaps without punctuation, {boundaries} of them gold boundaries")
        for threshold in (0, 1, 2, 3, 4):
            tp = sum(1 for z, g in scored if z > threshold and g)
            fp = sum(1 for z, g in scored if z > threshold and not g)
            print(f"  logit > {threshold}: tp {tp}, fp {fp}")


if __name__ == "__main__":
    main()
