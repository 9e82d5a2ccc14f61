#!/usr/bin/env python3
"""Does Pang & Lee's movie subjectivity data help the opinion decision on news? A head-only
probe over the committed encoder, run in the benchmark's Python environment.

For every sentence of subjectivity/train_en.tsv, dev_en.tsv and pang-lee/, the committed
claimscan encoder (models/claimscan/model.safetensors, fp32, the forward of bench_torch.py)
gives the mean-pooled last hidden state. An L2-regularised logistic regression is fitted on
train_en alone, or on train_en plus the Pang & Lee sentences, and scored on dev_en with
macro-F1 at threshold 0 and with a two-fold cross-fitted threshold (fitted on one half of dev,
scored on the other, both ways). Weights and the committed model are not changed.

Usage: .venv-bench/bin/python scripts/opinion_probe.py [--data ../shared/data] [--models models]
(`scripts/bench.sh` creates .venv-bench; about 3 minutes on 2 cores.)
"""

import argparse
import csv
import json
import os
import sys

import torch
from safetensors.torch import load_file
from tokenizers import Tokenizer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_torch  # noqa: E402


def read_tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [r["sentence"] for r in rows], [1 if r["label"] == "SUBJ" else 0 for r in rows]


def read_lines(path):
    with open(path, encoding="latin-1") as f:
        return [line.strip() for line in f if line.strip()]


def load_committed_model(models):
    """The committed claimscan encoder (fp32, bench_torch's forward), its tokenizer set up as
    claimscan uses it, and all the weights (heads included)."""
    base = os.path.join(models, "all-MiniLM-L6-v2")
    with open(os.path.join(base, "config.json")) as f:
        cfg = json.load(f)
    tok = Tokenizer.from_file(os.path.join(base, "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(256)
    weights = {k: v.float() for k, v in load_file(os.path.join(models, "claimscan", "model.safetensors")).items()}
    return bench_torch.Bert(weights, cfg, "sdpa"), tok, weights


def probe_setup(description, here):
    """Common start of the head-only opinion probes: parses --data and --models (defaults
    beside the repository `here`), loads the committed model on 2 threads and reads CheckThat!
    train_en and dev_en. Returns (bert, tokenizer, weights, (train_x, train_y), (dev_x, dev_y))."""
    ap = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(here, "..", "shared", "data"))
    ap.add_argument("--models", default=os.path.join(here, "models"))
    args = ap.parse_args()
    torch.set_num_threads(2)
    bert, tok, weights = load_committed_model(args.models)
    subj = os.path.join(args.data, "subjectivity")
    return (bert, tok, weights, read_tsv(os.path.join(subj, "train_en.tsv")),
            read_tsv(os.path.join(subj, "dev_en.tsv")))


def embed(bert, tok, texts, batch=64):
    encs = [tok.encode(t) for t in texts]
    order = sorted(range(len(texts)), key=lambda i: len(encs[i].ids))
    out = torch.zeros(len(texts), bert.hidden)
    with torch.inference_mode():
        for s in range(0, len(order), batch):
            idx = order[s:s + batch]
            n = max(len(encs[i].ids) for i in idx)
            ids = torch.zeros(len(idx), n, dtype=torch.long)
            mask = torch.zeros(len(idx), n, dtype=torch.long)
            for r, i in enumerate(idx):
                e = encs[i].ids
                ids[r, :len(e)] = torch.tensor(e)
                mask[r, :len(e)] = 1
            hidden = bert(ids, mask)
            m = mask.unsqueeze(-1).float()
            pooled = (hidden * m).sum(1) / m.sum(1)
            for r, i in enumerate(idx):
                out[i] = pooled[r]
    return out


def fit_logistic(x, y, l2):
    """Class-balanced L2 logistic regression by L-BFGS; returns a scoring function."""
    mu, sd = x.mean(0), x.std(0) + 1e-6
    xs = (x - mu) / sd
    y = y.float()
    pos = y.mean()
    weight = torch.where(y > 0, 0.5 / pos, 0.5 / (1 - pos))
    w = torch.zeros(x.shape[1], requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], max_iter=500, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = (weight * torch.nn.functional.binary_cross_entropy_with_logits(
            xs @ w + b, y, reduction="none")).mean() + l2 * (w * w).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return lambda z: ((z - mu) / sd @ w + b).detach()


def macro_f1(gold, pred):
    f1s = []
    for cls in (0, 1):
        tp = sum(1 for g, p in zip(gold, pred) if g == cls and p == cls)
        fp = sum(1 for g, p in zip(gold, pred) if g != cls and p == cls)
        fn = sum(1 for g, p in zip(gold, pred) if g == cls and p != cls)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / 2


def cross_fitted(scores, gold):
    preds, golds = [], []
    for k in (0, 1):
        fit = [i for i in range(len(gold)) if i % 2 == k]
        held = [i for i in range(len(gold)) if i % 2 != k]
        cands = sorted(scores[i] for i in fit)
        best = max(cands, key=lambda t: macro_f1([gold[i] for i in fit], [int(scores[i] > t) for i in fit]))
        preds += [int(scores[i] > best) for i in held]
        golds += [gold[i] for i in held]
    return macro_f1(golds, preds)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--data", default=os.path.join(here, "..", "shared", "data"))
    ap.add_argument("--models", default=os.path.join(here, "models"))
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    bert, tok, _ = load_committed_model(args.models)

    subj = os.path.join(args.data, "subjectivity")
    train_x, train_y = read_tsv(os.path.join(subj, "train_en.tsv"))
    dev_x, dev_y = read_tsv(os.path.join(subj, "dev_en.tsv"))
    objective = read_lines(os.path.join(subj, "pang-lee", "subj.objective"))
    subjective = read_lines(os.path.join(subj, "pang-lee", "subj.subjective"))
    e_train, e_dev = embed(bert, tok, train_x), embed(bert, tok, dev_x)
    e_pl = embed(bert, tok, objective + subjective)
    y_train, y_pl = torch.tensor(train_y), torch.tensor([0] * len(objective) + [1] * len(subjective))

    print("training data\tL2\tdev macro-F1 (threshold 0)\tdev macro-F1 (cross-fitted threshold)")
    for pang in (0, 1000, 10000):
        for l2 in (1e-3, 1e-2):
            if pang:
                # An equal number of objective and subjective sentences, in file order.
                half = pang // 2
                take = list(range(half)) + list(range(len(objective), len(objective) + half))
                x = torch.cat([e_train, e_pl[take]])
                y = torch.cat([y_train, y_pl[take]])
            else:
                x, y = e_train, y_train
            score = fit_logistic(x, y, l2)(e_dev).tolist()
            name = "train_en" + (f" + {pang} Pang & Lee" if pang else "")
            print(f"{name}\t{l2:g}\t{macro_f1(dev_y, [int(s > 0) for s in score]):.3f}\t{cross_fitted(score, dev_y):.3f}",
                  flush=True)


if __name__ == "__main__":
    main()
