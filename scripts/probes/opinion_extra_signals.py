#!/usr/bin/env python3
"""Can cheap extra signals lift the opinion decision? A probe over the committed model.

Scores CheckThat! dev_en with two-fold cross-fitted macro-F1 (decision threshold fitted on one
half of dev, scored on the other, both ways; the same estimate `claimscan calibrate` prints):
1. the committed opinion head's logit alone (fp32, PyTorch forward of bench_torch.py);
2. a word uni+bigram logistic regression fitted on train_en, alone and z-score-mixed with the
   head's logit at weights 0.2 / 0.35 / 0.5;
3. a logistic stack of the three sentence heads' logits (opinion, speculation,
   check-worthiness), fitted on the other half of dev.
Weights and the committed model are not changed.

Usage: .venv-bench/bin/python scripts/probes/opinion_extra_signals.py [--data ../shared/data]
(`scripts/bench.sh` creates .venv-bench; about 2 minutes on 2 cores.)
"""

import collections
import os
import re
import sys

import torch

HERE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(HERE, "scripts"))
from opinion_probe import (  # noqa: E402
    cross_fitted, embed, fit_logistic, macro_f1, probe_setup)


def ngrams(sentence):
    words = re.findall(r"[a-z']+|[0-9]+|[!?\"]", sentence.lower())
    return words + [a + "_" + b for a, b in zip(words, words[1:])]


def bag(sentences, index):
    x = torch.zeros(len(sentences), len(index))
    for row, s in enumerate(sentences):
        for gram in ngrams(s):
            if gram in index:
                x[row, index[gram]] = 1.0
    return x


def stacked_cross_fitted(features, gold):
    y = torch.tensor(gold).float()
    preds, golds = [], []
    for k in (0, 1):
        fit = [i for i in range(len(gold)) if i % 2 == k]
        held = [i for i in range(len(gold)) if i % 2 != k]
        w = torch.zeros(features.shape[1], requires_grad=True)
        b = torch.zeros(1, requires_grad=True)
        opt = torch.optim.LBFGS([w, b], max_iter=200, line_search_fn="strong_wolfe")

        def closure():
            opt.zero_grad()
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                features[fit] @ w + b, y[fit]) + 1e-2 * (w * w).sum()
            loss.backward()
            return loss

        opt.step(closure)
        score = (features @ w + b).detach().tolist()
        best = max(sorted(score[i] for i in fit),
                   key=lambda t: macro_f1([gold[i] for i in fit], [int(score[i] > t) for i in fit]))
        preds += [int(score[i] > best) for i in held]
        golds += [gold[i] for i in held]
    return macro_f1(golds, preds)


def main():
    bert, tok, weights, (train_x, train_y), (dev_x, dev_y) = probe_setup(__doc__, HERE)
    pooled = embed(bert, tok, dev_x)
    logits = {task: (pooled @ weights[f"claimscan.sentence.{task}.weight"].T
                     + weights[f"claimscan.sentence.{task}.bias"]).squeeze(-1)
              for task in ("opinion", "speculation", "checkworthy")}
    head = logits["opinion"]
    print(f"opinion head alone\t{cross_fitted(head.tolist(), dev_y):.4f}")

    df = collections.Counter()
    for s in train_x:
        df.update(set(ngrams(s)))
    index = {g: i for i, g in enumerate(g for g, c in df.items() if c >= 2)}
    bow = fit_logistic(bag(train_x, index), torch.tensor(train_y), 1e-2)(bag(dev_x, index))
    print(f"n-gram LR alone\t{cross_fitted(bow.tolist(), dev_y):.4f}")
    hz = (head - head.mean()) / head.std()
    nz = (bow - bow.mean()) / bow.std()
    for a in (0.2, 0.35, 0.5):
        print(f"head + n-gram LR, weight {a}\t{cross_fitted(((1 - a) * hz + a * nz).tolist(), dev_y):.4f}")
    stack = torch.stack([logits[t] for t in ("opinion", "speculation", "checkworthy")], 1)
    print(f"stack of the three heads\t{stacked_cross_fitted(stack, dev_y):.4f}")


if __name__ == "__main__":
    main()
