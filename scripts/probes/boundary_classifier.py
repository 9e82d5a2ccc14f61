#!/usr/bin/env python3
"""Can a learned boundary classifier over the rule segmenter's output beat the rules on UD?

For every whitespace gap in a rebuilt UD document (gold sentences joined by a space, a newline
at `# newpar`, as `claimscan eval segment` rebuilds them), a logistic regression over hashed
features decides "sentence boundary here or not": the rule segmenter's own decision at the gap
(from `examples/segment_dump.rs`), the words and word shapes on both sides, the punctuation
ending the left word, the first character of the right word, how many words the line and the
rule sentence have before and after the gap, URLs and addresses, and conjunctions of these.
Boundaries the rules put where there is no whitespace (glued headings) are kept as they are.
Spans are rebuilt from the rule spans (merged where the classifier removes a boundary, split
where it adds one) and scored by exact span match, like `claimscan eval segment`.

Reported: the rules alone; trained on one file and scored on the other; and five-fold
cross-validation by document within a file (with or without the other file added to
training), at several decision thresholds. No model is written: this is a probe.

Usage (from the repository root, after `cargo build --release --example segment_dump`):
    .venv-bench/bin/python scripts/probes/boundary_classifier.py
(`scripts/bench.sh` creates .venv-bench; about 3 minutes on 2 cores.)
"""

import bisect
import json
import os
import random
import re
import subprocess
import zlib

import torch

HERE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEGMENTATION = os.path.join(HERE, "..", "shared", "data", "segmentation")
DUMP = os.path.join(HERE, "target", "release", "examples", "segment_dump")
HASH_SIZE = 1 << 20
THRESHOLDS = (0.3, 0.5, 0.7)
WHITESPACE = re.compile(rb"\s+")


def read_documents(path):
    """UTF-8 text and gold (start, end) byte spans per document, as src/eval/segment.rs builds
    them (spans trimmed, a leading `- ` / `* ` bullet left out)."""
    docs, text, gold, new_par = [], b"", [], False
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line.startswith("# newdoc"):
                if gold:
                    docs.append({"text": text, "gold": gold})
                text, gold, new_par = b"", [], False
            elif line == "# newpar" or line.startswith("# newpar "):
                new_par = True
            elif line.startswith("# text ="):
                if gold:
                    text += b"\n" if new_par else b" "
                new_par = False
                start, raw = len(text), line[len("# text ="):].strip().encode()
                text += raw
                body = raw
                if body[:2] in (b"- ", b"* ") and body[2:].strip():
                    body = body[2:].lstrip()
                if body:
                    s = start + len(raw) - len(body)
                    gold.append((s, s + len(body)))
    if gold:
        docs.append({"text": text, "gold": gold})
    return docs


def add_rule_spans(docs):
    """The rule segmenter's spans for every document, through examples/segment_dump.rs."""
    stdin = "".join(json.dumps(d["text"].decode()) + "\n" for d in docs).encode()
    out = subprocess.run([DUMP], input=stdin, capture_output=True, check=True).stdout.decode()
    for doc, line in zip(docs, out.splitlines()):
        doc["rule"] = sorted(tuple(span) for span in json.loads(line))


def shape(token):
    s = re.sub(rb"[A-Z]+", b"X", token)
    s = re.sub(rb"[a-z]+", b"x", s)
    return re.sub(rb"[0-9]+", b"d", s)[:6]


def bucket(n):
    return str(n if n < 6 else 6 if n < 10 else 10 if n < 20 else 20)


def is_address(token):
    low = token.lower()
    return b"http" in low or b"www." in low or b"@" in token


def add_gaps(doc):
    """Every whitespace gap inside the text, with its features, gold label and rule decision."""
    text, spans = doc["text"], doc["rule"]
    starts = [s for s, _ in spans]

    def rule_boundary(a, e):
        i = bisect.bisect_right(starts, a - 1) - 1
        return not (i >= 0 and spans[i][1] >= e + 1)

    gold_ends = {e for _, e in doc["gold"]}
    gaps = [(m.start(), m.end()) for m in WHITESPACE.finditer(text) if 0 < m.start() and m.end() < len(text)]
    rule = [rule_boundary(a, e) for a, e in gaps]
    newline = [b"\n" in text[a:e] for a, e in gaps]
    rows = []
    for i, (a, e) in enumerate(gaps):
        left_start = max(text.rfind(b" ", 0, a), text.rfind(b"\n", 0, a)) + 1
        right_end = next((j for j in range(e, len(text)) if text[j:j + 1].isspace()), len(text))
        left, right = text[left_start:a], text[e:right_end]
        line_start = text.rfind(b"\n", 0, a) + 1
        line_end = text.find(b"\n", e)
        line_end = len(text) if line_end < 0 else line_end
        before, after = len(text[line_start:a].split()), len(text[e:line_end].split())
        since = next((k for k in range(1, i + 2) if i - k < 0 or rule[i - k] or newline[i - k]), i + 1)
        until = next((k for k in range(1, len(gaps) - i + 1)
                      if i + k >= len(gaps) or rule[i + k] or newline[i + k]), 1)
        lw = re.sub(rb"[^a-z0-9]", b"", left.lower())[:12]
        rw = re.sub(rb"[^a-z0-9]", b"", right.lower())[:12]
        lend, rbeg, ls, rs = left[-1:], right[:1], shape(left), shape(right)
        r, nl = rule[i], newline[i]
        features = [
            "bias", f"r={r}", f"nl={nl}", f"r|nl={r}|{nl}", f"Lend={lend}", f"Rbeg={rbeg}",
            f"Lw={lw}", f"Rw={rw}", f"Ls={ls}", f"Rs={rs}", f"Ls|Rs={ls}|{rs}",
            f"r|Ls|Rs={r}|{ls[:3]}|{rs[:3]}", f"Lend|Rs={lend}|{rs[:2]}", f"r|Lend|Rs={r}|{lend}|{rs[:2]}",
            f"Lw|Rs={lw}|{rs[:2]}", f"Ls|Rw={ls}|{rw}", f"Lw|Rw={lw}|{rw}",
            f"before={bucket(before)}", f"after={bucket(after)}",
            f"since={bucket(since)}", f"until={bucket(until)}",
            f"r|since={r}|{bucket(since)}", f"r|until={r}|{bucket(until)}",
            f"before|Lend|Rs={bucket(before)}|{lend}|{rs[:1]}",
            f"addrL={is_address(left)}", f"addrR={is_address(right)}",
        ]
        ids = torch.tensor([zlib.crc32(f.encode()) % HASH_SIZE for f in features])
        rows.append({"ids": ids, "gold": float(a in gold_ends), "gap": (a, e)})
    doc["gaps"] = rows


def train(rows, epochs=6, lr=0.5, seed=0):
    """Logistic regression by sparse SGD over hashed features."""
    torch.manual_seed(seed)
    weights = torch.nn.EmbeddingBag(HASH_SIZE, 1, mode="sum", sparse=True)
    torch.nn.init.zeros_(weights.weight)
    opt = torch.optim.SGD(weights.parameters(), lr=lr)
    order = list(range(len(rows)))
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(order)
        for s in range(0, len(order), 32):
            batch = [rows[i] for i in order[s:s + 32]]
            z = score_rows(weights, batch)
            y = torch.tensor([r["gold"] for r in batch])
            loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return weights


def score_rows(weights, rows):
    flat = torch.cat([r["ids"] for r in rows])
    offsets = torch.tensor([0] + [len(r["ids"]) for r in rows[:-1]]).cumsum(0)
    return weights(flat, offsets).squeeze(1)


def predicted_spans(doc, probabilities, threshold):
    text = doc["text"]
    cut = {r["gap"] for r, p in zip(doc["gaps"], probabilities) if p >= threshold}
    gap_at = {r["gap"][0]: r["gap"] for r in doc["gaps"]}
    merged = []
    for s, e in doc["rule"]:
        if merged:
            gap = gap_at.get(merged[-1][1])
            if gap is not None and gap[1] == s and gap not in cut:
                merged[-1][1] = e
                continue
        merged.append([s, e])
    spans = []
    for s, e in merged:
        pos = s
        for a, g in sorted(cut):
            if s < a and g < e:
                spans.append((pos, a))
                pos = g
        spans.append((pos, e))
    return spans


def f1(docs, spans_of):
    gold = predicted = correct = 0
    for doc in docs:
        p, g = set(spans_of(doc)), set(doc["gold"])
        gold, predicted, correct = gold + len(g), predicted + len(p), correct + len(p & g)
    precision, recall = correct / predicted, correct / gold
    return f"P {precision:.4f} R {recall:.4f} F1 {2 * precision * recall / (precision + recall):.4f}"


def probabilities(weights, doc):
    if not doc["gaps"]:
        return []
    with torch.no_grad():
        return torch.sigmoid(score_rows(weights, doc["gaps"])).tolist()


def report(name, docs, fitted):
    """`fitted(doc)` gives the probabilities of a model that did not see `doc`."""
    probs = {id(d): fitted(d) for d in docs}
    for t in THRESHOLDS:
        print(f"{name}, threshold {t}: {f1(docs, lambda d: predicted_spans(d, probs[id(d)], t))}", flush=True)


def cross_validated(docs, extra, folds=5):
    models = [train([r for i, d in enumerate(docs) if i % folds != k for r in d["gaps"]]
                    + [r for d in extra for r in d["gaps"]]) for k in range(folds)]
    index = {id(d): i for i, d in enumerate(docs)}
    return lambda d: probabilities(models[index[id(d)] % folds], d)


def main():
    torch.set_num_threads(2)
    corpora = {}
    for name in ("en_ewt-ud-dev", "en_gum-ud-dev"):
        docs = read_documents(os.path.join(SEGMENTATION, name + ".conllu"))
        add_rule_spans(docs)
        for doc in docs:
            add_gaps(doc)
        corpora[name] = docs
    (ewt_name, ewt), (gum_name, gum) = corpora.items()
    for name, docs in corpora.items():
        print(f"{name}, rules alone: {f1(docs, lambda d: d['rule'])}", flush=True)
    for (a, da), (b, db) in (((ewt_name, ewt), (gum_name, gum)), ((gum_name, gum), (ewt_name, ewt))):
        model = train([r for d in da for r in d["gaps"]])
        report(f"{b}, trained on {a}", db, lambda d: probabilities(model, d))
    for (a, da), (b, db) in (((ewt_name, ewt), (gum_name, gum)), ((gum_name, gum), (ewt_name, ewt))):
        report(f"{a}, 5-fold by document", da, cross_validated(da, []))
        report(f"{a}, 5-fold by document + all of {b}", da, cross_validated(da, db))


if __name__ == "__main__":
    main()
