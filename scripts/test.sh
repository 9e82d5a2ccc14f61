#!/usr/bin/env bash
# The project's test command: installs what is missing (scripts/setup.sh, idempotent), runs
# every unit and integration test against the release build, renders the HTML report of the
# brief's article in headless Chromium and checks its DOM (tests/report_browser.sh), then runs
# README's Slurm job array on a one-node cluster (tests/slurm.sh; it says SKIPPED, and why,
# where Slurm cannot be installed or started).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/setup.sh
# Property tests draw their cases from a fixed seed here, so a gate run reads the same cases
# every time and a failure reproduces; scripts/fuzz.sh explores with fresh seeds at 100,000
# cases. (Stop 34 was lost to a case a random seed drew once: see the segment tests.)
export PROPTEST_RNG_SEED="${PROPTEST_RNG_SEED:-20261207}"
cargo test --release --locked "$@"

report_run="target/report-run"
rm -rf "$report_run"
target/release/claimscan annotate --quiet --html ../shared/data/corpus/russia-iran-treaty.txt -o "$report_run"
tests/report_browser.sh "$report_run" doc-000001.html
echo "report browser test: 1 passed, 0 failed"

tests/slurm.sh
