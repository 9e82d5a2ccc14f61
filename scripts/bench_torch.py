#!/usr/bin/env python3
"""Python PyTorch baseline for the claimscan benchmark: the same encoder and heads, in fp32,
over exactly the sentences claimscan produced (the `text` column of its sentences.csv).

What it does per run, mirroring claimscan's model stage (src/model, src/pipeline.rs):
  * tokenizer.json of the base encoder through the `tokenizers` package, padding off,
    truncation at 256 word pieces;
  * documents in claimscan's order, in chunks of 256 documents; inside a chunk only sentence
    texts not seen before in the run are encoded (claimscan's duplicate cache), tokenised,
    sorted by length (stable) and run in batches of 32 padded to their longest member;
  * BERT forward (hand-written, same maths as Hugging Face BertModel; attention through
    torch's scaled_dot_product_attention, or the explicit softmax(QK^T)V with --attention
    eager), mean pooling over real tokens, the three sentence heads with model.json's
    calibration, and the entity head (casing embedding + linear, softmax, argmax);
  * torch.inference_mode, torch.set_num_threads(--threads).
No segmentation, rules, entity decoding or CSV writing: those are claimscan's extra work.

Prints one JSON line: sentences, encoded (distinct) sentences, word pieces, seconds for
imports+loading and for the model loop, and (with --check) how far its probabilities are
from claimscan's checkworthy column and from its share of fact in p_fact + p_opinion, which
both sentence heads set and claimscan's cue evidence leaves alone (rows without attribution:
claimscan moves attributed sentences towards fact after the model; the CSV has 4 decimals,
so agreement shows as differences of about 1e-4).

Usage: bench_torch.py --models DIR --sentences sentences.csv [--threads N] [--check]
"""

import argparse
import time

T_START = time.perf_counter()

import csv  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from safetensors.torch import load_file  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

MAX_TOKENS = 256
BATCH_SIZE = 32
CHUNK_DOCUMENTS = 256


def word_shape(word):
    """Casing class, as claimscan's encoder::word_shape: 1 lower, 2 Capitalised, 3 ALLCAPS,
    4 number, 5 other (0 is for special and padding tokens)."""
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return 4 if any(c.isnumeric() for c in word) else 5
    upper = sum(1 for c in letters if c.isupper())
    if upper == 0:
        return 1
    if upper == len(letters) and len(letters) > 1:
        return 3
    return 2 if letters[0].isupper() else 1


class Tokenised:
    __slots__ = ("ids", "shapes")

    def __init__(self, enc, text):
        self.ids = enc.ids
        spans = {}
        for w, (s, e) in zip(enc.word_ids, enc.offsets):
            if w is None:
                continue
            lo, hi = spans.get(w, (s, e))
            spans[w] = (min(lo, s), max(hi, e))
        shape_of = {w: word_shape(text[lo:hi]) for w, (lo, hi) in spans.items()}
        self.shapes = [0 if w is None else shape_of[w] for w in enc.word_ids]


class Bert:
    """BERT encoder over a dict of fp32 tensors named as Hugging Face's BertModel."""

    def __init__(self, w, cfg, attention, int8=False):
        self.w = w
        self.int8 = None
        if int8:
            # PyTorch's own dynamic int8 quantisation (torch.ao, FBGEMM) of every encoder linear.
            names = sorted({k[: -len(".weight")] for k in w if k.startswith("encoder.") and k.endswith(".weight")
                            and w[k].dim() == 2})
            mods = torch.nn.ModuleDict()
            for name in names:
                lin = torch.nn.Linear(w[name + ".weight"].shape[1], w[name + ".weight"].shape[0])
                lin.weight.data.copy_(w[name + ".weight"])
                lin.bias.data.copy_(w[name + ".bias"])
                mods[name.replace(".", "_")] = lin
            self.int8 = torch.ao.quantization.quantize_dynamic(mods, {torch.nn.Linear}, dtype=torch.qint8)
        self.layers = cfg["num_hidden_layers"]
        self.heads = cfg["num_attention_heads"]
        self.eps = cfg["layer_norm_eps"]
        self.attention = attention
        self.hidden = cfg["hidden_size"]

    def ln(self, x, name):
        return F.layer_norm(x, (self.hidden,), self.w[name + ".weight"], self.w[name + ".bias"], self.eps)

    def lin(self, x, name):
        if self.int8 is not None and name.startswith("encoder."):
            return self.int8[name.replace(".", "_")](x)
        return F.linear(x, self.w[name + ".weight"], self.w[name + ".bias"])

    def __call__(self, ids, mask):
        w = self.w
        b, n = ids.shape
        pos = torch.arange(n).unsqueeze(0)
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][pos]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = self.ln(x, "embeddings.LayerNorm")
        hd = self.hidden // self.heads
        # Additive mask: 0 for tokens, a large negative number for padding.
        bias = ((1.0 - mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min)
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def split(t):
                return t.view(b, n, self.heads, hd).transpose(1, 2)

            q = split(self.lin(x, p + "attention.self.query"))
            k = split(self.lin(x, p + "attention.self.key"))
            v = split(self.lin(x, p + "attention.self.value"))
            if self.attention == "sdpa":
                ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
            else:
                scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hd) + bias
                ctx = torch.matmul(scores.softmax(-1), v)
            ctx = ctx.transpose(1, 2).reshape(b, n, self.hidden)
            x = self.ln(self.lin(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
            h = F.gelu(self.lin(x, p + "intermediate.dense"))
            x = self.ln(self.lin(h, p + "output.dense") + x, p + "output.LayerNorm")
        return x


def calibrate(z, c):
    return 1.0 / (1.0 + math.exp(-(z - c["offset"]) / c["temperature"]))


def read_sentences(path):
    """(doc_id, text, row) in file order, plus claimscan's probabilities for --check."""
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows.append(r)
    return rows


def chunks_by_document(rows):
    """Row indices grouped like claimscan's chunks: CHUNK_DOCUMENTS documents at a time."""
    chunk, docs, last = [], 0, None
    for i, r in enumerate(rows):
        if r["doc_id"] != last:
            last = r["doc_id"]
            if docs == CHUNK_DOCUMENTS:
                yield chunk
                chunk, docs = [], 0
            docs += 1
        chunk.append(i)
    if chunk:
        yield chunk


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", required=True, help="directory with all-MiniLM-L6-v2/ and claimscan/")
    ap.add_argument("--sentences", required=True, help="claimscan's sentences.csv")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--attention", choices=["sdpa", "eager"], default="sdpa")
    ap.add_argument("--no-dedup", action="store_true", help="encode every row, duplicates too")
    ap.add_argument("--check", action="store_true", help="compare probabilities with claimscan's")
    ap.add_argument("--int8", action="store_true", help="dynamic int8 quantisation of the encoder's linears")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    base = os.path.join(args.models, "all-MiniLM-L6-v2")
    trained = os.path.join(args.models, "claimscan")
    with open(os.path.join(base, "config.json")) as f:
        cfg = json.load(f)
    with open(os.path.join(trained, "model.json")) as f:
        meta = json.load(f)
    tok = Tokenizer.from_file(os.path.join(base, "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(MAX_TOKENS)
    weights = {k: v.float() for k, v in load_file(os.path.join(trained, "model.safetensors")).items()}
    bert = Bert(weights, cfg, args.attention, args.int8)
    heads = {name: (weights[f"claimscan.sentence.{name}.weight"], weights[f"claimscan.sentence.{name}.bias"])
             for name in ("opinion", "speculation", "checkworthy")}
    shape_emb = weights["claimscan.ner.shape.weight"]
    ner_w, ner_b = weights["claimscan.ner.classifier.weight"], weights["claimscan.ner.classifier.bias"]
    rows = read_sentences(args.sentences)
    t_loaded = time.perf_counter()

    cal = meta["calibration"]
    results = {}  # text -> (p_opinion, p_speculation_task, checkworthy)
    encoded = pieces = tags_total = 0
    with torch.inference_mode():
        for chunk in chunks_by_document(rows):
            texts, seen = [], set()
            for i in chunk:
                t = rows[i]["text"]
                if args.no_dedup or (t not in results and t not in seen):
                    seen.add(t)
                    texts.append(t)
            toks = [Tokenised(e, t) for e, t in zip(tok.encode_batch(texts, add_special_tokens=True), texts)] \
                if texts else []
            order = sorted(range(len(toks)), key=lambda j: len(toks[j].ids))
            for s in range(0, len(order), BATCH_SIZE):
                batch = order[s:s + BATCH_SIZE]
                n = max(len(toks[j].ids) for j in batch)
                ids = torch.zeros((len(batch), n), dtype=torch.long)
                mask = torch.zeros((len(batch), n), dtype=torch.long)
                shapes = torch.zeros((len(batch), n), dtype=torch.long)
                for r, j in enumerate(batch):
                    m = len(toks[j].ids)
                    ids[r, :m] = torch.tensor(toks[j].ids)
                    shapes[r, :m] = torch.tensor(toks[j].shapes)
                    mask[r, :m] = 1
                    pieces += m
                hidden = bert(ids, mask)
                fm = mask.unsqueeze(-1).float()
                pooled = (hidden * fm).sum(1) / fm.sum(1).clamp_min(1.0)
                logits = {k: F.linear(pooled, w, b).squeeze(-1).tolist() for k, (w, b) in heads.items()}
                tag_probs = F.linear(hidden + shape_emb[shapes], ner_w, ner_b).softmax(-1)
                best_p, best_i = tag_probs.max(-1)
                tags_total += int(((best_i > 0) & (mask > 0)).sum())
                for r, j in enumerate(batch):
                    results[texts[j]] = tuple(calibrate(logits[k][r], cal[k])
                                              for k in ("opinion", "speculation", "checkworthy"))
                encoded += len(batch)
    t_done = time.perf_counter()

    report = {
        "system": "pytorch-" + args.attention + ("-int8" if args.int8 else ""),
        "torch": torch.__version__,
        "threads": args.threads,
        "attention": args.attention,
        "sentences": len(rows),
        "encoded_sentences": encoded,
        "word_pieces": pieces,
        "entity_tokens": tags_total,
        "load_seconds": round(t_loaded - T_START, 3),
        "model_seconds": round(t_done - t_loaded, 3),
        "total_seconds": round(t_done - T_START, 3),
    }
    if args.check and rows and "p_opinion" in rows[0]:
        # claimscan's label stage multiplies p_speculation by its cue evidence and renormalises
        # the three (classify::with_cue_evidence), so neither p_speculation nor p_opinion is
        # the heads' own; the share of fact in fact + opinion is, and it depends on both the
        # opinion and the speculation head. Rows where fact + opinion is under 0.1 are left
        # out: the CSV's 4 decimals make the share too coarse there.
        worst = {"fact_share": 0.0, "checkworthy": 0.0}
        compared = shared = 0
        for r in rows:
            if r.get("attribution"):
                continue  # claimscan reweights attributed sentences towards fact
            compared += 1
            o, s, c = results[r["text"]]
            worst["checkworthy"] = max(worst["checkworthy"], abs(c - float(r["checkworthy"])))
            theirs_f, theirs_o = float(r["p_fact"]), float(r["p_opinion"])
            if theirs_f + theirs_o >= 0.1:
                shared += 1
                mine = (1 - o) * (1 - s) / ((1 - o) * (1 - s) + o)
                worst["fact_share"] = max(worst["fact_share"], abs(mine - theirs_f / (theirs_f + theirs_o)))
        report["max_abs_diff_vs_claimscan"] = {k: round(v, 6) for k, v in worst.items()}
        report["compared_rows"] = compared
        report["fact_share_rows"] = shared
    print(json.dumps(report))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
