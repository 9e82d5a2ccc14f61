#!/usr/bin/env python3
"""Reporting and attitude verbs learned from MPQA 1.2's tune split (never its dev fifth).

For every single-word GATE_objective-speech-event or GATE_direct-subjective (any intensity,
not marked insubstantial: the events scripts/mpqa_attribution.py scores) whose source chain
is "w, X" (the writer reports agent X), counts the lower-cased
word; then counts every occurrence of the word in the tune documents. A word is printed when
it marks such an event at least MIN_EVENTS times and in at least MIN_SHARE of its occurrences:
the list the attribution rules use as ATTITUDE_VERBS (src/classify/attribution.rs).

    python3 scripts/mpqa_verbs.py [--min-events 4] [--min-share 0.5]
"""
import argparse
import hashlib
import os
import re
from collections import Counter

import mpqa_attribution as m

WORD = re.compile(r"[A-Za-z]+")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--min-events", type=int, default=4)
    p.add_argument("--min-share", type=float, default=0.5)
    args = p.parse_args()
    docs = [l.strip() for l in open(os.path.join(m.MPQA, "Release-Full-Doclist")) if l.strip()]
    events, occurrences = Counter(), Counter()
    for rel in docs:
        if int(hashlib.sha256(rel.encode()).hexdigest(), 16) % 5 == 0:
            continue  # the dev fifth stays unseen
        raw = open(os.path.join(m.MPQA, "docs", rel), "rb").read().decode("latin-1")
        occurrences.update(w.lower() for w in WORD.findall(raw))
        for a, b, t, attrs in m.annotations(os.path.join(m.MPQA, "man_anns", rel, "gateman.mpqa.lre.1.2")):
            event = t in ("GATE_objective-speech-event", "GATE_direct-subjective")
            c = m.chain(attrs)
            span = raw[a:b].strip()
            if event and not attrs.get("insubstantial") and len(c) == 2 and c[1] != "implicit" and WORD.fullmatch(span):
                events[span.lower()] += 1
    keep = sorted(w for w, n in events.items()
                  if n >= args.min_events and n / max(occurrences[w], 1) >= args.min_share)
    for w in keep:
        print("%s\t%d\t%d" % (w, events[w], occurrences[w]))


if __name__ == "__main__":
    main()
