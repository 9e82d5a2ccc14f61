#!/usr/bin/env bash
# The project's test command: installs what is missing (scripts/setup.sh, idempotent),
# then runs every unit and integration test against the release build.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/setup.sh
cargo test --release --locked "$@"
