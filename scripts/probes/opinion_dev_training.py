#!/usr/bin/env python3
"""Would training the opinion decision on half of dev_en as well help? A head-only probe.

The committed encoder's frozen mean-pooled embeddings (as scripts/opinion_probe.py computes
them) feed a class-balanced logistic regression fitted three ways and scored on dev_en by
two-fold cross-fitting over dev's odd and even rows (fit on one half, score the other, both
ways; macro-F1 at logit 0): train_en plus the other half of dev, that half of dev alone, and
(for comparison) train_en alone, at threshold 0 and with the threshold cross-fitted. Nothing in
the product changes.

Usage: .venv-bench/bin/python scripts/probes/opinion_dev_training.py [--data ../shared/data]
(`scripts/bench.sh` creates .venv-bench; about 15 seconds on 2 cores.)
"""

import os
import sys

import torch

HERE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(HERE, "scripts"))
from opinion_probe import cross_fitted, embed, fit_logistic, macro_f1, probe_setup  # noqa: E402


def main():
    bert, tok, _, (train_x, train_y), (dev_x, dev_y) = probe_setup(__doc__, HERE)
    e_train, e_dev = embed(bert, tok, train_x), embed(bert, tok, dev_x)
    y_train, y_dev = torch.tensor(train_y), torch.tensor(dev_y)
    print("fitted on\tL2\tdev macro-F1 (two-fold over dev halves)")
    for l2 in (1e-3, 1e-2, 3e-2):
        for with_train in (True, False):
            predicted = [0] * len(dev_y)
            for half in (0, 1):
                fit = [i for i in range(len(dev_y)) if i % 2 == half]
                held = [i for i in range(len(dev_y)) if i % 2 != half]
                x = torch.cat([e_train, e_dev[fit]]) if with_train else e_dev[fit]
                y = torch.cat([y_train, y_dev[fit]]) if with_train else y_dev[fit]
                for i, s in zip(held, fit_logistic(x, y, l2)(e_dev[held]).tolist()):
                    predicted[i] = int(s > 0)
            name = "train_en + other half of dev" if with_train else "other half of dev alone"
            print(f"{name}\t{l2:g}\t{macro_f1(dev_y, predicted):.3f}", flush=True)
    for l2 in (1e-3, 1e-2):
        score = fit_logistic(e_train, y_train, l2)(e_dev).tolist()
        print(f"train_en alone\t{l2:g}\t{macro_f1(dev_y, [int(s > 0) for s in score]):.3f} "
              f"(threshold cross-fitted: {cross_fitted(score, dev_y):.3f})", flush=True)


if __name__ == "__main__":
    main()
