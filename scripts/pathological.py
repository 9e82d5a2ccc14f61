#!/usr/bin/env python3
"""Pathological inputs stay bounded in time and memory (issue 19, point 5).

Generates each shape of input at a base size and at four times that size, runs
`claimscan annotate` on both under /usr/bin/time, and prints seconds and peak RSS with the
ratio between the two sizes. A linear stage gives a time ratio near 4 (less where model
loading dominates); a quadratic one near 16. The run fails (exit 1) when a time ratio is
over 8 or a run does not exit 0.

    scripts/pathological.py [--binary target/release/claimscan] [--scale 1.0]

Shapes (full size at --scale 1):
- one_line: a 50 MB document on one line (sentences with no line break, with no-break spaces;
  the sentences repeat, so the duplicate cache spares the encoder and the rule stages are
  what is measured);
- one_sentence: 10 MB of words with no sentence punctuation at all (one huge "sentence");
- number_line: 10 MB of dates, amounts and numbers in one unpunctuated "sentence";
- long_token: one 1,000,000-character token inside a sentence;
- one_word_sentences: 100,000 one-word sentences;
- nested: quotes and brackets nested 50,000 deep around a sentence.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def one_line(n_bytes):
    unit = "The\u00a0minister said on Monday that exports rose 4% to $3.5 million. "
    return unit * max(1, n_bytes // len(unit.encode()))


def one_sentence(n_bytes):
    unit = "the minister said exports rose by four percent according to officials and "
    return unit * max(1, n_bytes // len(unit))


def number_line(n_bytes):
    unit = "rose 4% on 3 May 2021 to $5 million, 1,200 tonnes and 7 a.m. "
    return unit * max(1, n_bytes // len(unit))


def long_token(n_chars):
    return "He typed " + "x\u00e9" * (n_chars // 2) + " and left. The end."


def one_word_sentences(n):
    words = ["Yes.", "No!", "Why?", "Stop.", "Go\u2026", "Fine."]
    return " ".join(words[i % len(words)] for i in range(n))


def nested(depth):
    opens = "".join("(\u201c[\"'"[i % 4] for i in range(depth))
    closes = "".join(")\u201d]\"'"[(depth - 1 - i) % 4] for i in range(depth))
    return opens + "The treaty, critics said, could fail." + closes + " It was signed in 2001."


# name -> (generator, base size at scale 1 / 4, what the size counts)
SHAPES = {
    "one_line": (one_line, 50_000_000 // 4, "bytes"),
    "one_sentence": (one_sentence, 10_000_000 // 4, "bytes"),
    "number_line": (number_line, 10_000_000 // 4, "bytes"),
    "long_token": (long_token, 1_000_000 // 4, "characters"),
    "one_word_sentences": (one_word_sentences, 100_000 // 4, "sentences"),
    "nested": (nested, 50_000 // 4, "levels"),
}


def run(binary, path, out):
    cmd = ["/usr/bin/time", "-f", "%e %M", binary, "annotate", "--quiet", "-o", out, path]
    started = time.time()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.time() - started
    last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
    try:
        seconds, rss_kb = last.split()
        return proc.returncode, float(seconds), int(rss_kb) / 1024
    except ValueError:
        return proc.returncode, wall, float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, "target/release/claimscan"))
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--only", help="run one shape")
    args = parser.parse_args()
    failed = False
    print(f"{'shape':<20} {'size':>12} {'seconds':>8} {'peak MB':>8}   ratio t / RSS (4x size)")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (make, base, unit) in SHAPES.items():
            if args.only and name != args.only:
                continue
            results = []
            for size in (int(base * args.scale), int(4 * base * args.scale)):
                path = os.path.join(tmp, f"{name}-{size}.txt")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(make(size))
                code, seconds, rss = run(args.binary, path, os.path.join(tmp, f"out-{name}-{size}"))
                os.remove(path)
                results.append((seconds, rss))
                print(f"{name:<20} {size:>12,} {seconds:>8.2f} {rss:>8.0f}   ({unit}, exit {code})")
                if code != 0:
                    failed = True
            (t1, m1), (t4, m4) = results
            ratio = t4 / max(t1, 1e-3)
            print(f"{'':<20} {'':>12} {'':>8} {'':>8}   {ratio:.2f} / {m4 / m1:.2f}")
            if ratio > 8:
                print(f"{name}: time grows faster than linear ({ratio:.1f}x for 4x the size)")
                failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
