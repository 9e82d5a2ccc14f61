#!/usr/bin/env python3
"""How often is a pattern a sentence boundary in UD gold? Counts behind segmentation rules.

Rebuilds each UD document as `claimscan eval segment` does (gold sentences joined by a space,
a newline where `# newpar` starts a paragraph) and, for each pattern below, counts the matches
whose end is the start of a gold sentence (a boundary) and those whose end is not.

Usage: scripts/probes/ud_boundary_patterns.py [FILE.conllu ...]
(default: the EWT and GUM dev files in ../shared/data/segmentation)
"""

import os
import re
import sys

PATTERNS = {
    "colon, then a capital": r":\s+(?=[\"'(\[]?[A-Z])",
    "! or ?, then lowercase": r"[!?]+\s+(?=[a-z])",
    "ellipsis, then a capital": r"(\.\.\.+|…)\s+(?=[A-Z])",
    "address or URL, then a capital": r"(\S*(@|://|www\.)\S*)\s+(?=[A-Z\"<\[(])",
    "URL, then a URL": r"(\S*(://|www\.)\S*)\s+(?=\S*(://|www\.))",
    "semicolon": r";\s+",
    "spaced dash, then a capital": r"\s(—|--|–)\s+(?=[A-Z])",
}


def documents(path):
    docs, text, starts, new_par = [], None, [], False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("# newdoc"):
                if text:
                    docs.append((text, set(starts)))
                text, starts, new_par = "", [], False
            elif line.startswith("# newpar"):
                new_par = True
            elif line.startswith("# text ="):
                sentence = line[len("# text ="):].strip()
                text = text or ""
                if text:
                    text += "\n" if new_par else " "
                new_par = False
                starts.append(len(text))
                text += sentence
    if text:
        docs.append((text, set(starts)))
    return docs


def main():
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    seg = os.path.join(here, "..", "shared", "data", "segmentation")
    files = sys.argv[1:] or [os.path.join(seg, f) for f in ("en_ewt-ud-dev.conllu", "en_gum-ud-dev.conllu")]
    for path in files:
        docs = documents(path)
        print(os.path.basename(path))
        for name, pattern in PATTERNS.items():
            yes = no = 0
            for text, starts in docs:
                for m in re.finditer(pattern, text):
                    if m.end() in starts:
                        yes += 1
                    else:
                        no += 1
            print(f"  {name}: boundary {yes}, not {no}")


if __name__ == "__main__":
    main()
