#!/usr/bin/env python3
"""Training rows for the cased labeller: the news set's export with every row the team has
labelled since, as more `train` rows.

The news set (scripts/news_labels.py) gives its train and dev splits as they are. Added, with
split `train`: the settled labels of selection slices 1-5 (scripts/news_selection.py), of web
slices web1-web4 (scripts/web_slice.py: whole scraped pages, headings, list rows and
boilerplate included) and of the heading set's subheadings that no web slice holds
(scripts/heading_set.py). Each of those slices has already decided the rule it was labelled
for; slices labelled after this file was written (selection6-7, web5-6) are not added, so they
stayed fresh for judging a labeller trained on these rows (models/README.md: it was not
shipped, nor its soup with the committed labeller). The text is rebuilt from
../shared/data and written to /tmp only.

--with-later-slices also adds those later slices, each of which has since decided its rule:
selection6-7, web5-6 and the GUM slice (scripts/gum_slice.py), for a labeller judged on a
slice labelled after them (the EWT slice, scripts/gum_slice.py --corpus ewt).

    claimscan annotate ../shared/data/html-extraction/html --quiet -o PAGES
    python3 scripts/labeller_rows.py PAGES/sentences.csv [--out /tmp/labeller_rows.tsv] [--with-later-slices]
"""
import argparse
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import heading_set  # noqa: E402
import news_labels  # noqa: E402
import news_selection  # noqa: E402
import web_slice  # noqa: E402
import gum_slice  # noqa: E402

SELECTION_SLICES = ["selection", "selection2", "selection3", "selection4", "selection5"]
WEB_SLICES = ["web1", "web2", "web3", "web4"]
LATER_SELECTION_SLICES = ["selection6", "selection7"]
LATER_WEB_SLICES = ["web5", "web6"]


def news_export():
    """The news set's export, as rows of the six columns."""
    out = "/tmp/labeller_rows_news.tsv"
    news_labels.export(out)
    with open(out, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def selection_rows(slices=SELECTION_SLICES):
    items = [it for it in news_selection.read_items() if it["split"] in slices]
    labels = news_labels.settled([it["item_id"] for it in items], news_selection.LABELS_DIR)
    text = news_selection.texts(items)
    return [{"item_id": it["item_id"], "source": it["source"], "doc": it["doc"],
             "split": "train", "label": labels[it["item_id"]], "text": text[it["item_id"]]}
            for it in items]


def web_rows(pages, slices=WEB_SLICES):
    rows = web_slice.rows_of(pages)
    out = []
    for part in slices:
        labels = web_slice.settled_labels(part)
        for it in web_slice.read_items(part):
            i = it["item_id"]
            out.append({"item_id": i, "source": "web", "doc": it["doc"], "split": "train",
                        "label": labels[i], "text": rows[i]["text"]})
    return out


def heading_rows(pages):
    """Subheadings of the heading set that no web slice already gives."""
    in_web = {(it["doc"], it["start"]) for it in web_slice.read_items()
              if it["slice"] in WEB_SLICES}
    where = heading_set.locate(pages)
    labels = heading_set.settled_labels()
    out = []
    for it in heading_set.read_items():
        if (it["doc"], it["start"]) in in_web:
            continue
        rows, k = where[it["item_id"]]
        out.append({"item_id": it["item_id"], "source": "web", "doc": it["doc"], "split": "train",
                    "label": labels[it["item_id"]], "text": rows[k]["text"]})
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("pages", help="sentences.csv of `claimscan annotate` over the html-extraction pages")
    p.add_argument("--out", default="/tmp/labeller_rows.tsv")
    p.add_argument("--with-later-slices", action="store_true",
                   help="also selection6-7, web5-6 and the GUM slice")
    args = p.parse_args()
    parts = [("news set", news_export()), ("selection slices 1-5", selection_rows()),
             ("web slices 1-4", web_rows(args.pages)), ("other subheadings", heading_rows(args.pages))]
    if args.with_later_slices:
        parts += [("selection slices 6-7", selection_rows(LATER_SELECTION_SLICES)),
                  ("web slices 5-6", web_rows(args.pages, LATER_WEB_SLICES)),
                  ("GUM slice", gum_slice.rows(gum_slice.CORPORA["gum"], "train"))]
    seen = set()
    for name, rows in parts:
        for r in rows:
            if r["item_id"] in seen:
                sys.exit(f"{r['item_id']} is in two sets")
            seen.add(r["item_id"])
        train = sum(r["split"] == "train" for r in rows)
        print(f"{name}: {len(rows)} rows, {train} train", file=sys.stderr)
    news_labels.write_export(args.out, (r for _, rows in parts for r in rows))
    print(f"{args.out}: {len(seen)} rows", file=sys.stderr)


if __name__ == "__main__":
    main()
