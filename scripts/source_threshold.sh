#!/usr/bin/env bash
# Sweeps the source tagger's confidence threshold through the whole attribution stage, on the
# calibration slices only (every fifth tune document of MPQA and of the team's set, which
# `claimscan train-source` did not learn from): prints right-source F1 on each per threshold.
# The committed threshold is the one with the highest sum (models/README.md, "Source tagger").
#   python3 scripts/mpqa_attribution.py && python3 scripts/attribution_set.py export
#   scripts/source_threshold.sh [THRESHOLD ...]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/claimscan
head=models/claimscan/source_head.json
[ -f "$head" ] || { echo "no $head: train it with claimscan train-source" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/claimscan"
for f in models/*; do [ "$(basename "$f")" = claimscan ] || ln -s "$PWD/$f" "$work/"; done
for f in models/claimscan/*; do
  [ "$(basename "$f")" = source_head.json ] || ln -s "$PWD/$f" "$work/claimscan/"
done
thresholds=("$@")
[ ${#thresholds[@]} -gt 0 ] || thresholds=(0.5 0.6 0.7 0.8 0.9 1.01)
printf 'threshold\tmpqa_calibration\tteam_calibration\tsum\n'
for t in "${thresholds[@]}"; do
  python3 - "$head" "$work/claimscan/source_head.json" "$t" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))
h["threshold"] = float(sys.argv[3])
json.dump(h, open(sys.argv[2], "w"))
PY
  f1() { "$bin" eval attribution "$1" --split calibration --models "$work" | awk -F'\t' '$1=="right_source"{print $7}'; }
  a=$(f1 /tmp/mpqa_attribution.jsonl)
  b=$(f1 /tmp/attribution_set/attribution.jsonl)
  printf '%s\t%s\t%s\t%s\n' "$t" "$a" "$b" "$(python3 -c "print(round($a + $b, 4))")"
done
