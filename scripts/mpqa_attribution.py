#!/usr/bin/env python3
"""MPQA 1.2 as an attribution test set for `claimscan eval attribution`.

Reads ../shared/data/mpqa (never copied into the project) and writes JSONL, one line per
document, in the format scripts/attribution_set.py exports:
  {"doc", "split", "sentences": [{"id", "text", "kind", "sources", "mention"}]}

A sentence is credited when the writer reports a speech event or a private state of an agent
X: a GATE_objective-speech-event or a GATE_direct-subjective of any intensity, not marked
insubstantial (MPQA's mark for hypothetical or negated ones), whose nested-source is exactly
"w, X" (what the writer reports directly; deeper chains are X reporting someone else, and the
outermost source is the sentence's). Its acceptable sources
are X's mentions: the GATE_agent spans of this sentence that name X, and the document's
defining mention of X (the agent span with id="X"). `spans` gives the character offsets of
the in-sentence mentions (the training targets of `claimscan train-source`). When X's mention in the sentence is a
pronoun the sentence's kind is `pronoun`; with no mention in the sentence, `continuation`.
Sentences whose only reported sources are "implicit" are `vague` with no acceptable string
(the eval leaves them out of the right-source score); the rest are `none`.

Split: a fixed fifth of the documents (sha256 of the document path) is `dev`, the held-out
part; the rest is `tune`.

    python3 scripts/mpqa_attribution.py [--out /tmp/mpqa_attribution.jsonl]
"""
import argparse
import hashlib
import json
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MPQA = os.path.join(os.path.dirname(ROOT), "shared", "data", "mpqa")
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "us", "his", "its",
            "their", "who", "which", "this", "that"}
# Intensities scripts/mpqa_labels.py counts as a private state strong enough to label by.
STRONG = {"medium", "high", "extreme"}
ATTR = re.compile(r'([\w-]+)="([^"]*)"')


def annotations(path):
    out = []
    with open(path, encoding="latin-1") as f:
        for line in f:
            if line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4:
                continue
            start, end = map(int, parts[1].split(","))
            attrs = dict(ATTR.findall(parts[4])) if len(parts) > 4 else {}
            out.append((start, end, parts[3], attrs))
    return out


def chain(attrs):
    return [x.strip() for x in attrs.get("nested-source", "").split(",") if x.strip()]


def flat(s):
    return " ".join(s.split())


def flat_offset(raw_prefix):
    """Length of the flattened text before a point whose raw prefix (from the sentence's start)
    is `raw_prefix`: runs of whitespace become one space, leading whitespace goes."""
    done = flat(raw_prefix)
    return len(done) + (1 if done and raw_prefix[-1:].isspace() else 0)


def document(rel):
    raw = open(os.path.join(MPQA, "docs", rel), "rb").read()
    text = lambda a, b: flat(raw[a:b].decode("latin-1"))  # noqa: E731  (ASCII in practice)
    anns = annotations(os.path.join(MPQA, "man_anns", rel, "gateman.mpqa.lre.1.2"))
    sentences = sorted((a, b) for a, b, t, _ in
                       annotations(os.path.join(MPQA, "man_anns", rel, "gatesentences.mpqa.1.2"))
                       if t == "GATE_sentence")
    defining = {}
    for a, b, t, attrs in anns:
        if t == "GATE_agent" and attrs.get("id") and b > a:
            defining.setdefault(attrs["id"], text(a, b))
    rows = []
    for n, (s, e) in enumerate(sentences):
        agents, implicit = [], False
        for a, b, t, attrs in anns:
            if not (s <= a < e) or b <= a:
                continue
            # Every intensity counts: MPQA rates most plain "said" and "according to" as
            # low-intensity private states, and they are the core of reported speech.
            event = t in ("GATE_objective-speech-event", "GATE_direct-subjective")
            c = chain(attrs)
            if not event or attrs.get("insubstantial") or len(c) != 2 or c[0] != "w":
                continue
            if c[1] == "implicit":
                implicit = True
            elif c[1] not in agents:
                agents.append(c[1])
        sources, kind, mention, spans = [], "none", "", []
        sentence_text = text(s, e)
        for agent in agents:
            mentions = []
            for a, b, t, attrs in anns:
                if t == "GATE_agent" and s <= a < e and b > a and chain(attrs)[-1:] == [agent]:
                    mentions.append(text(a, b))
                    start = flat_offset(raw[s:a].decode("latin-1"))
                    end = start + len(mentions[-1])
                    if sentence_text[start:end] == mentions[-1] and [start, end] not in spans:
                        spans.append([start, end])
            for m in mentions + [defining.get(agent, "")]:
                if m and m not in sources:
                    sources.append(m)
            if kind == "none":
                if not mentions:
                    kind = "continuation"
                elif all(m.lower() in PRONOUNS for m in mentions):
                    kind, mention = "pronoun", mentions[0]
                else:
                    kind, mention = "named", mentions[0]
        if kind == "none" and implicit:
            kind = "vague"
        rows.append({"id": "%s#%d" % (rel, n), "text": sentence_text, "kind": kind,
                     "sources": sources, "mention": mention, "spans": sorted(spans)})
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default="/tmp/mpqa_attribution.jsonl")
    args = p.parse_args()
    docs = [line.strip() for line in open(os.path.join(MPQA, "Release-Full-Doclist")) if line.strip()]
    counts = {}
    with open(args.out, "w", encoding="utf-8") as f:
        for rel in docs:
            split = "dev" if int(hashlib.sha256(rel.encode()).hexdigest(), 16) % 5 == 0 else "tune"
            rows = document(rel)
            for r in rows:
                counts[(split, r["kind"])] = counts.get((split, r["kind"]), 0) + 1
            f.write(json.dumps({"doc": rel, "split": split, "sentences": rows}) + "\n")
    print("%d documents -> %s" % (len(docs), args.out))
    for key in sorted(counts):
        print("  %s %-12s %d" % (key[0], key[1], counts[key]))


if __name__ == "__main__":
    main()
