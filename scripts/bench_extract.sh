#!/usr/bin/env bash
# Extraction benchmark: Python trafilatura vs claimscan on ../shared/data/html-extraction
# (see scripts/bench_extract.py). Creates .venv-extract/ with trafilatura 2.0.0 from PyPI the
# first time; needs target/release/claimscan. Prints a Markdown table.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv-extract"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q trafilatura==2.0.0 lxml_html_clean
fi
exec "$VENV/bin/python" "$ROOT/scripts/bench_extract.py" "$@"
