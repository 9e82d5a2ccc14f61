#!/usr/bin/env python3
"""Trains claimscan's cased entity tagger: LoRA adapters on the cased DistilBERT encoder.

Fine-tunes the encoder that scripts/cased_encoder.py recovers (PyTorch, CPU) as a BIO tagger on
eng.train with the recipe of claimscan's own entity head (every word piece labelled: the first
piece its word's tag, the others the matching I- tag; AdamW, weight decay 0.01, 10% warm-up
then linear decay, clipping 1.0, length-bucketed batches of 32), and after every epoch scores
eng.testa the way `claimscan eval ner` decodes: BIO-constrained Viterbi over the pieces, an
entity's confidence the mean over its pieces of its type's probability (B- plus I-), entities
under --min-confidence dropped; exact-span F1 over CoNLL words (conlleval), overall and per
type. `--lora R` trains rank-R adapters on every linear layer (plus layer norms and the head)
instead of the whole encoder (`--lora 0`): the adapters fit the 60 MB budget for committed
weights, the whole encoder would not. `--export DIR` writes what claimscan loads over the base
encoder: DIR/adapters.safetensors (fp16, BERT tensor names, `.lora_down`/`.lora_up` beside the
weight they change) and DIR/model.json (rank, scale, settings, dev scores).

`--save FILE` keeps the whole trained tagger (PyTorch state dict); `--load FILE --epochs 0`
scores a saved one, and `--probabilities FILE` writes each eng.testa word's tag probabilities
(first piece, before decoding) in the format of `claimscan eval ner --probabilities`, for
ensemble_ner.py.

The committed adapters (models/README.md):
    scripts/train_cased_entities.py models/distilbert-base-cased --lora 32 --lr 5e-4 \
        --epochs 3 --seed 1 --export models/claimscan-cased
Needs torch 2.4, tokenizers and safetensors (scripts/bench.sh's .venv-bench has them).

Usage: scripts/train_cased_entities.py ENCODER_DIR [--data ../shared/data/ner] [--epochs 3]
       [--lr 5e-5] [--lora 0] [--seed 1] [--threads 2] [--limit N] [--export DIR]
"""

import argparse
import json
import math
import os
import random
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from tokenizers import Tokenizer

TYPES = ["PER", "ORG", "LOC", "MISC"]
TAGS = ["O"] + [f"{p}-{t}" for t in TYPES for p in ("B", "I")]
TAG_ID = {t: i for i, t in enumerate(TAGS)}
# LoRA's alpha / rank: the adapters' product is added at twice its size
LORA_SCALE = 2.0


def read_conll(path):
    """Sentences as (words, BIO tags); IOB1 converted to BIO."""
    sentences, words, tags = [], [], []

    def flush():
        if words:
            bio, previous = [], "O"
            for tag in tags:
                if tag.startswith("I-") and previous[2:] != tag[2:]:
                    tag = "B-" + tag[2:]
                bio.append(tag)
                previous = tag
            sentences.append((list(words), bio))
        words.clear()
        tags.clear()

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("-DOCSTART-"):
                flush()
                continue
            parts = line.split()
            words.append(parts[0])
            tags.append(parts[-1])
    flush()
    return sentences


# this script's module names <-> Hugging Face BERT names (what claimscan's encoder loads)
NAMES = [
    ("embeddings_norm.", "embeddings.LayerNorm."),
    ("word_embeddings.", "embeddings.word_embeddings."),
    ("position_embeddings.", "embeddings.position_embeddings."),
    (".q_lin.", ".attention.self.query."),
    (".k_lin.", ".attention.self.key."),
    (".v_lin.", ".attention.self.value."),
    (".out_lin.", ".attention.output.dense."),
    (".sa_layer_norm.", ".attention.output.LayerNorm."),
    (".lin1.", ".intermediate.dense."),
    (".lin2.", ".output.dense."),
    (".output_layer_norm.", ".output.LayerNorm."),
    ("layers.", "encoder.layer."),
]


def bert_name(key):
    """Module name (LoRA parts included) -> BERT tensor name."""
    key = key.replace(".base.", ".")
    if key.endswith(".down"):
        key = key[: -len(".down")] + ".lora_down"
    elif key.endswith(".up"):
        key = key[: -len(".up")] + ".lora_up"
    for ours, bert in NAMES:
        key = key.replace(ours, bert)
    return key


def module_name(key):
    """BERT tensor name -> this script's module name."""
    # longest first: `.attention.output.LayerNorm.` before `.output.LayerNorm.`
    for ours, bert in sorted(NAMES, key=lambda pair: -len(pair[1])):
        key = key.replace(bert, ours)
    return key


class LoraLinear(nn.Module):
    def __init__(self, base, rank):
        super().__init__()
        self.base = base
        self.base.weight.requires_grad_(False)
        self.down = nn.Parameter(torch.randn(rank, base.in_features) / math.sqrt(base.in_features))
        self.up = nn.Parameter(torch.zeros(base.out_features, rank))
        self.scale = LORA_SCALE

    def forward(self, x):
        return self.base(x) + (x @ self.down.t() @ self.up.t()) * self.scale


class Layer(nn.Module):
    def __init__(self, dim=768, hidden=3072, heads=12, dropout=0.1):
        super().__init__()
        self.heads = heads
        self.q_lin, self.k_lin = nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.v_lin, self.out_lin = nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.sa_layer_norm = nn.LayerNorm(dim, eps=1e-12)
        self.lin1, self.lin2 = nn.Linear(dim, hidden), nn.Linear(hidden, dim)
        self.output_layer_norm = nn.LayerNorm(dim, eps=1e-12)
        self.dropout = dropout

    def forward(self, x, mask):
        b, n, d = x.shape
        split = lambda t: t.view(b, n, self.heads, d // self.heads).transpose(1, 2)
        q, k, v = split(self.q_lin(x)), split(self.k_lin(x)), split(self.v_lin(x))
        drop = self.dropout if self.training else 0.0
        a = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=drop)
        a = self.out_lin(a.transpose(1, 2).reshape(b, n, d))
        x = self.sa_layer_norm(x + F.dropout(a, drop, self.training))
        h = self.lin2(F.gelu(self.lin1(x)))
        return self.output_layer_norm(x + F.dropout(h, drop, self.training))


class Tagger(nn.Module):
    def __init__(self, vocab=28996, dim=768, layers=6):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab, dim)
        self.position_embeddings = nn.Embedding(512, dim)
        self.embeddings_norm = nn.LayerNorm(dim, eps=1e-12)
        self.layers = nn.ModuleList(Layer() for _ in range(layers))
        self.classifier = nn.Linear(dim, len(TAGS))

    def load_encoder(self, path):
        """Loads the BERT-named weights scripts/cased_encoder.py writes."""
        own = {}
        for key, value in load_file(path).items():
            if key == "embeddings.token_type_embeddings.weight":
                continue  # all zeros: DistilBERT has no token types
            own[module_name(key)] = value
        missing, unexpected = self.load_state_dict(own, strict=False)
        assert not unexpected, unexpected
        assert all(m.startswith("classifier") for m in missing), missing

    def add_lora(self, rank):
        for p in self.parameters():
            p.requires_grad_(False)
        for layer in self.layers:
            for name in ("q_lin", "k_lin", "v_lin", "out_lin", "lin1", "lin2"):
                setattr(layer, name, LoraLinear(getattr(layer, name), rank))
            for norm in (layer.sa_layer_norm, layer.output_layer_norm):
                for p in norm.parameters():
                    p.requires_grad_(True)
        for p in self.classifier.parameters():
            p.requires_grad_(True)

    def encode(self, ids, attention):
        """Last hidden states `[batch, pieces, 768]`."""
        positions = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.embeddings_norm(self.word_embeddings(ids) + self.position_embeddings(positions))
        x = F.dropout(x, 0.1, self.training)
        mask = attention[:, None, None, :].bool()
        for layer in self.layers:
            x = layer(x, mask)
        return x

    def forward(self, ids, attention):
        return self.classifier(F.dropout(self.encode(ids, attention), 0.1, self.training))


def encode(tokenizer, sentences, max_pieces=128):
    """Per sentence: piece ids, per-piece label ids (-100 for specials), piece -> word index."""
    out = []
    for words, tags in sentences:
        enc = tokenizer.encode(words, is_pretokenized=True)
        ids, word_ids = enc.ids, enc.word_ids
        if len(ids) > max_pieces:
            ids = ids[: max_pieces - 1] + [ids[-1]]
            word_ids = word_ids[: max_pieces - 1] + [None]
        labels, previous = [], None
        for w in word_ids:
            if w is None:
                labels.append(-100)
            elif w != previous:
                labels.append(TAG_ID[tags[w]])
            else:
                tag = tags[w]
                labels.append(TAG_ID["I-" + tag[2:]] if tag != "O" else 0)
            previous = w
        out.append((ids, labels, word_ids))
    return out


def batches(encoded, size, shuffle, rng):
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i][0]))
    groups = [order[i : i + size] for i in range(0, len(order), size)]
    if shuffle:
        rng.shuffle(groups)
    for group in groups:
        width = max(len(encoded[i][0]) for i in group)
        ids = torch.zeros(len(group), width, dtype=torch.long)
        att = torch.zeros(len(group), width, dtype=torch.long)
        lab = torch.full((len(group), width), -100, dtype=torch.long)
        for row, i in enumerate(group):
            n = len(encoded[i][0])
            ids[row, :n] = torch.tensor(encoded[i][0])
            att[row, :n] = 1
            lab[row, :n] = torch.tensor(encoded[i][1])
        yield group, ids, att, lab


def may_follow(previous, nxt):
    tag = TAGS[nxt]
    if not tag.startswith("I-"):
        return True
    return previous is not None and TAGS[previous] != "O" and TAGS[previous][2:] == tag[2:]


ALLOWED = [[may_follow(j, k) for k in range(len(TAGS))] for j in range(len(TAGS))]


def viterbi(log_rows):
    width = len(TAGS)
    score = [log_rows[0][k] if may_follow(None, k) else -1e30 for k in range(width)]
    back = []
    for row in log_rows[1:]:
        nxt, frm = [], []
        for k in range(width):
            best, arg = -1e30, 0
            for j in range(width):
                if ALLOWED[j][k] and score[j] > best:
                    best, arg = score[j], j
            nxt.append(best + row[k])
            frm.append(arg)
        back.append(frm)
        score = nxt
    best = max(range(width), key=lambda k: score[k])
    path = [best]
    for frm in reversed(back):
        best = frm[best]
        path.append(best)
    return path[::-1]


def type_probability(row, tag):
    if tag == 0:
        return row[0]
    return row[tag] + row[tag + 1] if tag % 2 == 1 else row[tag - 1] + row[tag]


def word_tags(probs, word_ids, n_words, min_confidence):
    """Decoded BIO tags per word from one sentence's piece probabilities."""
    real = [t for t, w in enumerate(word_ids) if w is not None]
    if not real:
        return ["O"] * n_words
    rows = [probs[t] for t in real]
    path = viterbi([[math.log(max(p, 1e-12)) for p in row] for row in rows])
    # entities over pieces: a piece continues the current entity if it is I- of its type or
    # a later piece of the same word
    entities, current = [], None
    for step, t in enumerate(real):
        tag, w = TAGS[path[step]], word_ids[t]
        p = type_probability(rows[step], path[step])
        same_word = current is not None and w == current["last_word"] and t > 0
        if current and ((tag.startswith("I-") and tag[2:] == current["kind"]) or same_word):
            current["last_word"] = w
            current["p"].append(p)
            continue
        if current:
            entities.append(current)
        current = None
        if tag != "O":
            current = {"kind": tag[2:], "first_word": w, "last_word": w, "p": [p]}
    if current:
        entities.append(current)
    tags = ["O"] * n_words
    for e in entities:
        if sum(e["p"]) / len(e["p"]) < min_confidence:
            continue
        tags[e["first_word"]] = "B-" + e["kind"]
        for w in range(e["first_word"] + 1, e["last_word"] + 1):
            tags[w] = "I-" + e["kind"]
    return tags


def spans(tags):
    out, start, kind = set(), None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        if tag == "O" or tag.startswith("B-") or tag[2:] != kind:
            if start is not None:
                out.add((start, i, kind))
            start, kind = None, None
            if tag != "O":
                start, kind = i, tag[2:]
    return out


def score(gold_sentences, predicted):
    tp, fp, fn = {}, {}, {}
    for (words, gold), pred in zip(gold_sentences, predicted):
        g, p = spans(gold), spans(pred)
        for kind in TYPES + ["ALL"]:
            gs = {s for s in g if kind in ("ALL", s[2])}
            ps = {s for s in p if kind in ("ALL", s[2])}
            tp[kind] = tp.get(kind, 0) + len(gs & ps)
            fp[kind] = fp.get(kind, 0) + len(ps - gs)
            fn[kind] = fn.get(kind, 0) + len(gs - ps)
    result = {}
    for kind in TYPES + ["ALL"]:
        p = tp[kind] / max(1, tp[kind] + fp[kind])
        r = tp[kind] / max(1, tp[kind] + fn[kind])
        result[kind] = (p, r, 2 * p * r / max(1e-12, p + r))
    return result


def evaluate(model, encoded, sentences, thresholds, prob_path=None):
    model.eval()
    predicted = {t: [None] * len(sentences) for t in thresholds}
    started = time.time()
    with torch.no_grad():
        for group, ids, att, _ in batches(encoded, 32, False, None):
            probs = torch.softmax(model(ids, att), dim=-1)
            for row, i in enumerate(group):
                n = len(encoded[i][0])
                rows = probs[row, :n].tolist()
                for t in thresholds:
                    predicted[t][i] = word_tags(rows, encoded[i][2], len(sentences[i][0]), t)
    seconds = time.time() - started
    model.train()
    return {t: score(sentences, predicted[t]) for t in thresholds}, seconds


def write_probabilities(model, encoded, sentences, path):
    model.eval()
    rows_of = [None] * len(sentences)
    with torch.no_grad():
        for group, ids, att, _ in batches(encoded, 32, False, None):
            probs = torch.softmax(model(ids, att), dim=-1)
            for row, i in enumerate(group):
                per_word, seen = {}, set()
                for t, w in enumerate(encoded[i][2]):
                    if w is not None and w not in seen:
                        seen.add(w)
                        per_word[w] = probs[row, t].tolist()
                rows_of[i] = per_word
    with open(path, "w", encoding="utf-8") as f:
        for (words, _), per_word in zip(sentences, rows_of):
            for w, word in enumerate(words):
                row = per_word.get(w, [1.0] + [0.0] * (len(TAGS) - 1))
                f.write(word + "".join(f"\t{p:.6f}" for p in row) + "\n")
            f.write("\n")


def export(model, args, record):
    """Writes the trained adapters, layer norms and head under BERT names, fp16."""
    if not args.lora:
        raise SystemExit("--export needs --lora: the whole encoder is too big to commit")
    trained = {n for n, p in model.named_parameters() if p.requires_grad}
    tensors = {bert_name(n): p.detach().to(torch.float16).contiguous()
               for n, p in model.state_dict().items() if n in trained}
    os.makedirs(args.export, exist_ok=True)
    save_file(tensors, os.path.join(args.export, "adapters.safetensors"))
    meta = {"id": f"claimscan-cased-entities-lora{args.lora}-seed{args.seed}",
            "base": "distilbert-base-cased", "tags": TAGS, "lora_rank": args.lora,
            "lora_scale": LORA_SCALE, "training": record}
    with open(os.path.join(args.export, "model.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    print(f"{len(tensors)} tensors -> {args.export}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("encoder")
    ap.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../shared/data/ner"))
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--lora", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="train on the first N sentences only")
    ap.add_argument("--save", help="write the trained tagger's state dict here")
    ap.add_argument("--load", help="start from this saved tagger instead of the bare encoder")
    ap.add_argument("--probabilities", help="write eng.testa word probabilities here")
    ap.add_argument("--export", help="write adapters.safetensors and model.json (needs --lora) here")
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    tokenizer = Tokenizer.from_file(os.path.join(args.encoder, "tokenizer.json"))
    train = read_conll(os.path.join(args.data, "eng.train"))
    dev = read_conll(os.path.join(args.data, "eng.testa"))
    if args.limit:
        train = train[: args.limit]
    train_enc, dev_enc = encode(tokenizer, train), encode(tokenizer, dev)

    model = Tagger()
    model.load_encoder(os.path.join(args.encoder, "model.safetensors"))
    nn.init.normal_(model.classifier.weight, std=0.02)
    nn.init.zeros_(model.classifier.bias)
    if args.lora:
        model.add_lora(args.lora)
    if args.load:
        model.load_state_dict(torch.load(args.load))
    params = [p for p in model.parameters() if p.requires_grad]
    print(f"trainable parameters: {sum(p.numel() for p in params):,}", flush=True)
    decay = [p for p in params if p.ndim >= 2]
    no_decay = [p for p in params if p.ndim < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
        lr=args.lr)
    steps_per_epoch = math.ceil(len(train_enc) / 32)
    total = steps_per_epoch * args.epochs
    warmup = int(0.1 * total)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: s / max(1, warmup) if s < warmup else max(0.0, (total - s) / max(1, total - warmup)))
    model.train()
    step = 0
    record = {"epochs": args.epochs, "lr": args.lr, "lora_rank": args.lora, "seed": args.seed,
              "batch_size": 32, "train_sentences": len(train), "dev": "eng.testa"}
    for epoch in range(1, args.epochs + 1):
        started, running = time.time(), 0.0
        for _, ids, att, lab in batches(train_enc, 32, True, rng):
            logits = model(ids, att)
            loss = F.cross_entropy(logits.reshape(-1, len(TAGS)), lab.reshape(-1), ignore_index=-100)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            schedule.step()
            step += 1
            running += loss.item()
            if step % 100 == 0:
                print(f"epoch {epoch} step {step}/{total} loss {running / 100:.4f} "
                      f"{time.time() - started:.0f}s", flush=True)
                running = 0.0
        train_seconds = time.time() - started
        scores, seconds = evaluate(model, dev_enc, dev, [0.0, 0.5])
        for threshold, result in scores.items():
            per_type = " ".join(f"{k} {result[k][2]:.4f}" for k in TYPES)
            p, r, f = result["ALL"]
            print(f"epoch {epoch} eng.testa min_confidence {threshold}: P {p:.4f} R {r:.4f} "
                  f"F1 {f:.4f} ({per_type})", flush=True)
        record[f"epoch_{epoch}"] = {"train_seconds": round(train_seconds),
                                    "testa_f1": round(scores[0.5]["ALL"][2], 4)}
        print(f"epoch {epoch}: train {train_seconds:.0f}s, dev {len(dev)} sentences in "
              f"{seconds:.1f}s ({len(dev) / seconds:.0f} sentences/s)", flush=True)
    if args.epochs == 0:
        scores, seconds = evaluate(model, dev_enc, dev, [0.5])
        p, r, f = scores[0.5]["ALL"]
        print(f"eng.testa: P {p:.4f} R {r:.4f} F1 {f:.4f}, {len(dev) / seconds:.0f} sentences/s")
        record.update({"loaded_from": os.path.basename(args.load or ""), "testa_f1": round(f, 4)})
    if args.save:
        torch.save(model.state_dict(), args.save)
    if args.probabilities:
        write_probabilities(model, dev_enc, dev, args.probabilities)
    if args.export:
        export(model, args, record)


if __name__ == "__main__":
    main()
