#!/usr/bin/env bash
# Runs every fuzz target for MINUTES minutes each (default 10), one after the other, with the
# web-text dictionary (fuzz/web.dict) and seed corpus (fuzz/seeds/), then the property tests
# of tests/web_text_props.rs and of the segmenter and document at 100,000 cases, each run
# with a fresh random seed (scripts/test.sh fixes one, so CI reads the same cases every time). Prints executions per target; exits 1 if any
# target crashed (its input is left in fuzz/artifacts/TARGET/, rerun it with
# `RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none -O TARGET fuzz/artifacts/TARGET/crash-…`).
#
#   scripts/fuzz.sh [MINUTES] [TARGET...]
#
# cargo-fuzz needs nightly flags: the stable toolchain accepts them with RUSTC_BOOTSTRAP=1.
# The targets link libtorch through the claimscan crate, so setup.sh must have run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
MINUTES="${1:-10}"
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
    TARGETS=(segment sentence_rules entity_rules read_text read_jsonl read_csv read_web)
fi

if ! command -v cargo-fuzz >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi
LIBTORCH_LIB="$(sed -n 's/^LIBTORCH *= *"\(.*\)"/\1/p' .cargo/config.toml 2>/dev/null | head -1)/lib"
if [ ! -d "$LIBTORCH_LIB" ]; then
    LIBTORCH_LIB="$HOME/.cache/claimscan/libtorch-2.4.0-cpu/torch/lib"
fi
export LD_LIBRARY_PATH="$LIBTORCH_LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export RUSTC_BOOTSTRAP=1

summary=()
status=0
for target in "${TARGETS[@]}"; do
    corpus="fuzz/corpus/$target"
    mkdir -p "$corpus"
    log="fuzz/corpus/$target.log"
    echo "fuzz: $target for $MINUTES min (log: $log)" >&2
    if cargo fuzz run --sanitizer none -O "$target" "$corpus" fuzz/seeds -- \
        -dict=fuzz/web.dict -max_len=8192 -timeout=10 -rss_limit_mb=4096 \
        -max_total_time=$((MINUTES * 60)) -print_final_stats=1 >"$log" 2>&1; then
        result="ok"
    else
        result="FAILED (see $log and fuzz/artifacts/$target/)"
        status=1
    fi
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    summary+=("$(printf '%-16s %12s executions  %s' "$target" "${runs:-?}" "$result")")
done

echo "fuzz: property tests (tests/web_text_props.rs) at 100,000 cases" >&2
# Without the nightly switch: it changes rustc's fingerprint and would rebuild every crate.
if env -u RUSTC_BOOTSTRAP PROPTEST_CASES=100000 cargo test --release --locked --test web_text_props >fuzz/corpus/props.log 2>&1; then
    summary+=("$(printf '%-16s %12s cases each  ok' "web_text_props" "100000")")
else
    summary+=("web_text_props   FAILED (see fuzz/corpus/props.log)")
    status=1
fi
echo "fuzz: segmenter and document property tests (src/segment, src/document.rs) at 100,000 cases" >&2
if env -u RUSTC_BOOTSTRAP PROPTEST_CASES=100000 cargo test --release --locked --lib -- segment::tests document::tests >fuzz/corpus/props_lib.log 2>&1; then
    summary+=("$(printf '%-16s %12s cases each  ok' "segment/document" "100000")")
else
    summary+=("segment/document FAILED (see fuzz/corpus/props_lib.log)")
    status=1
fi

printf '%s\n' "fuzz summary ($MINUTES min per target, $(git rev-parse --short HEAD)):" "${summary[@]}"
exit $status
