#!/usr/bin/env python3
"""MPQA 1.2 sentences as partial label evidence for the four-label news head.

Reads ../shared/data/mpqa (never copied into the project) and writes JSONL, one line per
sentence: {"doc", "split", "text", "allowed": [fact, speculation, opinion, none] as 0/1}.
The annotation says which labels a sentence may have, not which one it has:
- the writer's own private state (a GATE_direct-subjective or GATE_expressive-subjectivity
  whose nested-source is "w", medium or stronger intensity, not marked insubstantial):
  the writer evaluates or is uncertain -> speculation or opinion;
- otherwise an agent's statement or private state reported by the writer (source chain
  "w, X", medium or stronger): a reported statement -> fact (X named) or speculation (the
  source "implicit": nobody in particular) -- DESIGN.md's rule for credited statements;
- otherwise nothing subjective and nothing reported -> fact or none (a heading or a dateline
  asserts nothing; MPQA does not say).
Split: the same fixed fifth of documents as scripts/mpqa_attribution.py is `dev` (never used
for training); the rest is `tune`.

    python3 scripts/mpqa_labels.py [--out /tmp/mpqa_labels.jsonl]
"""
import argparse
import hashlib
import json
import os

import mpqa_attribution as m

FACT, SPEC, OPINION, NONE = range(4)


def sentence_masks(rel):
    raw = open(os.path.join(m.MPQA, "docs", rel), "rb").read()
    anns = m.annotations(os.path.join(m.MPQA, "man_anns", rel, "gateman.mpqa.lre.1.2"))
    sentences = sorted((a, b) for a, b, t, _ in
                       m.annotations(os.path.join(m.MPQA, "man_anns", rel, "gatesentences.mpqa.1.2"))
                       if t == "GATE_sentence")
    for s, e in sentences:
        writer = named = implicit = False
        for a, b, t, attrs in anns:
            if not (s <= a < e) or b <= a:
                continue
            chain = m.chain(attrs)
            subjective = t in ("GATE_direct-subjective", "GATE_expressive-subjectivity")
            strong = attrs.get("intensity") in m.STRONG and not attrs.get("insubstantial")
            if subjective and strong and chain == ["w"]:
                writer = True
            reported = t == "GATE_objective-speech-event" or (t == "GATE_direct-subjective" and strong)
            if reported and len(chain) == 2 and chain[0] == "w":
                if chain[1] == "implicit":
                    implicit = True
                else:
                    named = True
        allowed = [0, 0, 0, 0]
        if writer:
            allowed[SPEC] = allowed[OPINION] = 1
        elif named:
            allowed[FACT] = 1
        elif implicit:
            allowed[SPEC] = 1
        else:
            allowed[FACT] = allowed[NONE] = 1
        yield m.flat(raw[s:e].decode("latin-1")), allowed


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default="/tmp/mpqa_labels.jsonl")
    args = p.parse_args()
    docs = [l.strip() for l in open(os.path.join(m.MPQA, "Release-Full-Doclist")) if l.strip()]
    counts = {}
    with open(args.out, "w", encoding="utf-8") as f:
        for rel in docs:
            split = "dev" if int(hashlib.sha256(rel.encode()).hexdigest(), 16) % 5 == 0 else "tune"
            for text, allowed in sentence_masks(rel):
                if not text:
                    continue
                key = (split, tuple(allowed))
                counts[key] = counts.get(key, 0) + 1
                f.write(json.dumps({"doc": rel, "split": split, "text": text, "allowed": allowed}) + "\n")
    print("-> %s" % args.out)
    for key in sorted(counts):
        print("  %s allowed %s: %d" % (key[0], key[1], counts[key]))


if __name__ == "__main__":
    main()
