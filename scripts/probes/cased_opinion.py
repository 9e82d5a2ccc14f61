#!/usr/bin/env python3
"""Does the cased DistilBERT separate opinion from fact better than MiniLM? A probe.

Fine-tunes the encoder scripts/cased_encoder.py installs (whole encoder, PyTorch, CPU) with a
logistic head on the mean-pooled last layer, on CheckThat! 2025 subjectivity train_en.tsv
(830 sentences), and scores dev_en.tsv (462) by macro-F1 at probability 0.5, at the best
threshold on dev itself, and with the threshold cross-fitted on dev's odd and even rows
(scripts/opinion_probe.py's measures, whose functions it uses).
Writes each dev sentence's opinion probability to --probabilities when given. Nothing in the
product changes.

Usage: scripts/probes/cased_opinion.py ENCODER_DIR [--data ../shared/data/subjectivity]
       [--epochs 4] [--lr 3e-5] [--seeds 1,2,3]
"""

import argparse
import math
import os
import random
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from tokenizers import Tokenizer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from opinion_probe import cross_fitted, macro_f1, read_tsv  # noqa: E402
from train_cased_entities import Tagger  # noqa: E402  (the same encoder module)


def in_sample_best(gold, probs):
    """Macro-F1 at the best threshold on these very rows (the optimistic figure)."""
    return max(macro_f1(gold, [int(p > t) for p in probs]) for t in [-1.0] + sorted(probs))


class Classifier(nn.Module):
    def __init__(self, encoder_dir):
        super().__init__()
        self.encoder = Tagger()
        self.encoder.load_encoder(os.path.join(encoder_dir, "model.safetensors"))
        self.head = nn.Linear(768, 1)

    def forward(self, ids, att):
        x = self.encoder.encode(ids, att)
        m = att.unsqueeze(-1).float()
        pooled = (x * m).sum(1) / m.sum(1)
        return self.head(F.dropout(pooled, 0.1, self.training)).squeeze(-1)


def batches(encoded, labels, size, rng=None):
    order = list(range(len(encoded)))
    if rng:
        rng.shuffle(order)
    for i in range(0, len(order), size):
        group = order[i : i + size]
        width = max(len(encoded[j]) for j in group)
        ids = torch.zeros(len(group), width, dtype=torch.long)
        att = torch.zeros(len(group), width, dtype=torch.long)
        for r, j in enumerate(group):
            ids[r, : len(encoded[j])] = torch.tensor(encoded[j])
            att[r, : len(encoded[j])] = 1
        yield group, ids, att, torch.tensor([labels[j] for j in group], dtype=torch.float)


def run(args, seed, tokenizer, train, dev):
    torch.manual_seed(seed)
    rng = random.Random(seed)
    (train_x, train_y), (dev_x, dev_y) = train, dev
    enc = lambda texts: [tokenizer.encode(t).ids[:128] for t in texts]
    train_ids, dev_ids = enc(train_x), enc(dev_x)
    model = Classifier(args.encoder)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    total = math.ceil(len(train_x) / 16) * args.epochs
    warmup = int(0.1 * total)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: s / max(1, warmup) if s < warmup else max(0.0, (total - s) / max(1, total - warmup)))
    pos_weight = torch.tensor(sum(1 - y for y in train_y) / max(1, sum(train_y)))
    model.train()
    for _ in range(args.epochs):
        for _, ids, att, y in batches(train_ids, train_y, 16, rng):
            loss = F.binary_cross_entropy_with_logits(model(ids, att), y, pos_weight=pos_weight)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
    model.eval()
    probs = [0.0] * len(dev_x)
    with torch.no_grad():
        for group, ids, att, _ in batches(dev_ids, dev_y, 32):
            for j, p in zip(group, torch.sigmoid(model(ids, att)).tolist()):
                probs[j] = p
    return dev_y, probs


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("encoder")
    ap.add_argument("--data", default=os.path.join(here, "../../../shared/data/subjectivity"))
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--probabilities")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    tokenizer = Tokenizer.from_file(os.path.join(args.encoder, "tokenizer.json"))
    train = read_tsv(os.path.join(args.data, "train_en.tsv"))
    dev = read_tsv(os.path.join(args.data, "dev_en.tsv"))
    for seed in [int(s) for s in args.seeds.split(",")]:
        gold, probs = run(args, seed, tokenizer, train, dev)
        at_half = macro_f1(gold, [int(p > 0.5) for p in probs])
        print(f"seed {seed}: dev macro-F1 {at_half:.4f} at 0.5, {in_sample_best(gold, probs):.4f} at the "
              f"in-sample best threshold, {cross_fitted(probs, gold):.4f} cross-fitted", flush=True)
        if args.probabilities:
            with open(f"{args.probabilities}.seed{seed}", "w") as f:
                f.writelines(f"{p:.6f}\n" for p in probs)


if __name__ == "__main__":
    main()
