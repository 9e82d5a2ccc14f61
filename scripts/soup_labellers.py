#!/usr/bin/env python3
"""Merges two cased news labellers (train-cased --news outputs on the same base encoder) into
one with the average of their weights, a "model soup": the result costs one cased pass, as
either input does.

Each adapted weight of a labeller is W + scale · up · down. The mean of two is
W + scale · (up1 · down1 + up2 · down2) / 2, which is itself a LoRA pair of twice the rank:
down = [down1; down2] (rows stacked), up = [up1, up2] / 2 (columns side by side). So the
merge is exact, with no low-rank refit. Every other tensor (the layers' norms, the label head)
is averaged. Both inputs must share lora_scale and tensor names.

    ~/.cache/claimscan/convert-venv/bin/python scripts/soup_labellers.py A B OUT [--rank R]

--rank R keeps each merged pair's best rank-R approximation (a truncated SVD of the exact
mean, computed through QR factors of the two thin matrices, never the full weight): the
exact merge doubles the adapter file, the truncated one keeps it at the inputs' size. The
share of each delta's squared norm the truncation keeps is printed (smallest and mean).

(the virtualenv scripts/setup.sh makes has numpy and safetensors). OUT gets adapters.safetensors
and a model.json whose training record names both inputs.
"""
import hashlib
import json
import os
import sys

import numpy as np
from safetensors.numpy import load_file, save_file


def truncate(up, down, rank):
    """The best rank-`rank` pair (up', down') for up · down, and the share of its squared
    Frobenius norm kept."""
    q_up, r_up = np.linalg.qr(up.astype(np.float64))
    q_down, r_down = np.linalg.qr(down.astype(np.float64).T)
    u, s, vt = np.linalg.svd(r_up @ r_down.T)
    root = np.sqrt(s[:rank])
    new_up = (q_up @ u[:, :rank]) * root
    new_down = (root[:, None] * vt[:rank]) @ q_down.T
    kept = float((s[:rank] ** 2).sum() / max((s ** 2).sum(), 1e-30))
    return new_up.astype(up.dtype), new_down.astype(down.dtype), kept


def main():
    args = sys.argv[1:]
    rank_limit = None
    if "--rank" in args:
        at = args.index("--rank")
        try:
            rank_limit = int(args[at + 1])
        except (IndexError, ValueError):
            sys.exit("--rank needs a whole number")
        del args[at:at + 2]
    if len(args) != 3:
        sys.exit(__doc__)
    first, second, out = args
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
    rank = metas[0]["lora_rank"] + metas[1]["lora_rank"]
    if rank_limit is not None and rank_limit < rank:
        kept = []
        for name in sorted(merged):
            if name.endswith(".lora_up"):
                down_name = name[: -len(".lora_up")] + ".lora_down"
                up, down, share = truncate(merged[name], merged[down_name], rank_limit)
                merged[name], merged[down_name] = up, down
                kept.append(share)
        rank = rank_limit
        print(f"rank {rank}: kept {min(kept):.4f} of a delta's squared norm at least, "
              f"{sum(kept) / len(kept):.4f} on average, over {len(kept)} pairs", file=sys.stderr)
    os.makedirs(out, exist_ok=True)
    adapters = os.path.join(out, "adapters.safetensors")
    save_file(merged, adapters)
    digest = hashlib.sha256(open(adapters, "rb").read()).hexdigest()[:12]
    meta = {
        "base": metas[0]["base"],
        "id": f"claimscan-cased-news-soup{rank}-{digest}",
        "labels": metas[0]["labels"],
        "lora_rank": rank,
        "lora_scale": metas[0]["lora_scale"],
        "training": {
            "merge": "mean of two labellers' weights (scripts/soup_labellers.py)"
            + (f", each LoRA pair truncated to rank {rank}" if rank_limit is not None else ""),
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
