#!/usr/bin/env python3
"""Unlabelled news sentences for distilling `--labels accurate` into the fast news head.

`claimscan train-news --teacher-pool FILE` has the cased labeller read these sentences and
fits the fast head to its probabilities as well as to the team's labels. The sentences are
ones no model here was fine-tuned on, so the head learns how the shared encoder represents
news it has not seen: the prose documents of CoNLL-2003 eng.train that the team's news set
did not take (detokenised as scripts/news_set.py does), and the sentences of MPQA's tune
documents outside the news set. No sentence of the news set (train or dev), of MPQA's dev
fifth or of any other dev file is written. Read from ../shared/data; the output stays in /tmp.

    python3 scripts/teacher_pool.py [--out /tmp/teacher_pool.txt] [--limit 20000]
"""
import argparse
import csv
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import news_set  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/teacher_pool.txt")
    ap.add_argument("--limit", type=int, default=20000)
    args = ap.parse_args()

    with open(news_set.ITEMS, encoding="utf-8") as f:
        items = list(csv.DictReader(f, delimiter="\t"))
    taken_docs = {it["doc"] for it in items if it["source"] == "reuters"}

    texts = []
    docs = news_set.conll_documents()
    for index, doc in enumerate(docs):
        if str(index) in taken_docs or not news_set.is_prose(doc):
            continue
        for sentence in doc:
            if len(sentence) >= 4 and not news_set.is_table_row(sentence):
                texts.append(news_set.detokenise(sentence))
    reuters = len(texts)

    mpqa_rows = "/tmp/teacher_pool_mpqa.jsonl"
    subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "mpqa_labels.py"),
                    "--out", mpqa_rows], check=True)
    export = "/tmp/teacher_pool_news.tsv"
    subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "news_labels.py"),
                    "export", "--out", export], check=True, stdout=subprocess.DEVNULL)
    with open(export, encoding="utf-8") as f:
        in_news = {" ".join(r["text"].split())
                   for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)}
    with open(mpqa_rows, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            text = " ".join(row["text"].split())
            if row["split"] == "tune" and len(text.split()) >= 4:
                texts.append(text)
    seen, pool = set(), []
    for t in texts:
        t = " ".join(t.split())
        if t and t not in seen and t not in in_news:
            seen.add(t)
            pool.append(t)
    pool = pool[: args.limit]
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(pool) + "\n")
    print(f"{args.out}: {len(pool)} sentences ({reuters} Reuters before de-duplication, "
          f"the rest MPQA tune)", file=sys.stderr)


if __name__ == "__main__":
    main()
