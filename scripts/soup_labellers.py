#!/usr/bin/env python3
"""Merges two cased news labellers (train-cased --news outputs on the same base encoder) into
one with the average of their weights, a "model soup": the result costs one cased pass, as
either input does.

Each adapted weight of a labeller is W + scale · up · down. The mean of two is
W + scale · (up1 · down1 + up2 · down2) / 2, which is itself a LoRA pair of twice the rank:
down = [down1; down2] (rows stacked), up = [up1, up2] / 2 (columns side by side). So the
merge is exact, with no low-rank refit. Every other tensor (the layers' norms, the label head)
is averaged. Both inputs must share lora_scale and tensor names.

    ~/.cache/claimscan/convert-venv/bin/python scripts/soup_labellers.py A B OUT

(the virtualenv scripts/setup.sh makes has numpy and safetensors). OUT gets adapters.safetensors
and a model.json whose training record names both inputs.
"""
import hashlib
import json
import os
import sys

import numpy as np
from safetensors.numpy import load_file, save_file


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    first, second, out = sys.argv[1:]
    metas = [json.load(open(os.path.join(d, "model.json"), encoding="utf-8")) for d in (first, second)]
    if metas[0]["lora_scale"] != metas[1]["lora_scale"] or metas[0]["labels"] != metas[1]["labels"]:
        sys.exit("the two labellers differ in lora_scale or labels; they cannot be merged")
    tensors = [load_file(os.path.join(d, "adapters.safetensors")) for d in (first, second)]
    if set(tensors[0]) != set(tensors[1]):
        sys.exit("the two labellers hold different tensors; they cannot be merged")
    merged = {}
    for name in sorted(tensors[0]):
        a, b = tensors[0][name], tensors[1][name]
        if name.endswith(".lora_down"):
            merged[name] = np.concatenate([a, b], axis=0)
        elif name.endswith(".lora_up"):
            half = (np.concatenate([a.astype(np.float32), b.astype(np.float32)], axis=1) / 2)
            merged[name] = half.astype(a.dtype)
        else:
            merged[name] = ((a.astype(np.float32) + b.astype(np.float32)) / 2).astype(a.dtype)
    os.makedirs(out, exist_ok=True)
    adapters = os.path.join(out, "adapters.safetensors")
    save_file(merged, adapters)
    digest = hashlib.sha256(open(adapters, "rb").read()).hexdigest()[:12]
    rank = metas[0]["lora_rank"] + metas[1]["lora_rank"]
    meta = {
        "base": metas[0]["base"],
        "id": f"claimscan-cased-news-soup{rank}-{digest}",
        "labels": metas[0]["labels"],
        "lora_rank": rank,
        "lora_scale": metas[0]["lora_scale"],
        "training": {
            "merge": "mean of two labellers' weights (scripts/soup_labellers.py)",
            "members": [m["id"] for m in metas],
            "member_training": [m.get("training") for m in metas],
        },
    }
    with open(os.path.join(out, "model.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    print(f"{out}: {meta['id']}, {len(merged)} tensors", file=sys.stderr)


if __name__ == "__main__":
    main()
