#!/usr/bin/env python3
"""Runs the reference implementation itself (GMvandeVen/continual-learning) on Split-MNIST, one method and setting
as its compare.py runs them, for some seeds, and records each seed's final ACC: the check of whether a published
figure is reproduced by the code that produced it, on this machine, when Rehearsal's row misses it.

    python3 benchmarks/reference/reference_runs.py --repo DIR --method genc --setting class --seeds 2 3 4 5 6 \
        --json-out benchmarks/results/reference-genc-class-YYYYMMDD.json
    python3 benchmarks/reference/reference_runs.py ... --parse-log LOG   # the same record from a saved run log

DIR is a checkout of the reference repository (commit e6d795a was read for Rehearsal's protocol). Its MNIST is
linked from Rehearsal's data/mnist (data/fetch-mnist.sh), so nothing is downloaded. The interpreter is
REFERENCE_PYTHON or /usr/bin/python3 (Debian's python3-torch and python3-torchvision); one thread
(OMP_NUM_THREADS=1). The record: every seed's ACC (the reference's "average accuracy over all contexts", the mean
of the contexts' final test accuracies, which is Rehearsal's ACC), wall seconds, the command, the CPU and the
date, and the mean ± standard error of the mean (sample std / sqrt(n)) over the seeds.
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import subprocess
import sys
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MNIST = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
# compare.py's arguments for each method on Split-MNIST (everything else: main.py's Split-MNIST defaults, which
# params/param_values.py sets: 2000 iterations per context, batch 128, lr 1e-3, 784-400-400-10).
METHODS = {
    # "## Generative Classifier": iters divided by the classes per context, the _gc sizes, hidden, lr 0.001.
    "genc": ["--gen-classifier", "--iters=1000", "--fc-units=85", "--fc-layers=3", "--z-dim=5", "--hidden",
             "--lr=0.001", "--eval-s=50"],
    # "## LwF": replay of the current data with distillation.
    "lwf": ["--replay=current", "--distill"],
    # "## BI-R": generative replay through feedback, of hidden representations, with decoder gates, a GMM prior per
    # class and distillation.
    "bir": ["--replay=generative", "--feedback", "--hidden", "--dg-gates", "--prior=GMM", "--per-class", "--distill"],
}
ACC = re.compile(r"=> average accuracy over all (\d+) contexts: ([0-9.]+)")


def command(method, setting, seed):
    return (["main.py", "--experiment=splitMNIST", "--scenario=" + setting] + METHODS[method]
            + ["--seed=%d" % seed, "--no-gpus", "--no-save", "--time"])


def cpu():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def link_mnist(repo):
    raw = os.path.join(repo, "store", "datasets", "MNIST", "MNIST", "raw")
    os.makedirs(raw, exist_ok=True)
    for name in MNIST:
        src = os.path.join(ROOT, "data", "mnist", name)
        if not os.path.isfile(src):
            sys.exit("reference_runs.py: %s is missing: run data/fetch-mnist.sh first" % src)
        dst = os.path.join(raw, name)
        if os.path.islink(dst) or os.path.exists(dst):
            os.remove(dst)
        os.symlink(src, dst)


def summary(accs):
    n = len(accs)
    mean = sum(accs) / n if n else None
    sem = (math.sqrt(sum((a - mean) ** 2 for a in accs) / (n - 1)) / math.sqrt(n)) if n > 1 else None
    return {"n": n, "mean": mean, "sem": sem}


def versions(repo, python, commit):
    """The reference's commit and the interpreter's PyTorch version, as far as they can be read."""
    if commit is None:
        p = subprocess.run(["git", "-C", repo, "rev-parse", "HEAD"], capture_output=True, text=True)
        commit = p.stdout.strip() if p.returncode == 0 else "unknown"
    p = subprocess.run([python, "-c", "import torch; print(torch.__version__)"], capture_output=True, text=True)
    return {"reference_commit": commit, "torch": p.stdout.strip() if p.returncode == 0 else "unknown"}


def record(method, setting, runs, python, extra):
    accs = [r["acc"] for r in runs]
    return {"about": "The reference implementation (GMvandeVen/continual-learning) run by "
                     "benchmarks/reference/reference_runs.py: " + method + ", Split-MNIST " + setting
                     + "-incremental, as its compare.py runs it; one thread.",
            "method": method, "setting": setting, "python": python, "cpu": cpu(),
            "date": datetime.date.today().isoformat(), **extra, "runs": runs, "acc": summary(accs)}


def parse_log(path):
    """Seeds and ACCs from a log whose runs begin with '== seed N'."""
    runs, seed = [], None
    with open(path) as f:
        for line in f:
            m = re.match(r"== seed (\d+)", line)
            if m:
                seed = int(m.group(1))
            m = ACC.search(line)
            if m and seed is not None:
                runs.append({"seed": seed, "acc": float(m.group(2)), "seconds": None})
                seed = None
    return runs


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repo", required=True, help="a checkout of GMvandeVen/continual-learning")
    ap.add_argument("--method", required=True, choices=sorted(METHODS))
    ap.add_argument("--setting", default="class", choices=["class", "task", "domain"])
    ap.add_argument("--seeds", type=int, nargs="+", required=True)
    ap.add_argument("--json-out", required=True)
    ap.add_argument("--parse-log", help="record the runs of a saved log instead of running")
    ap.add_argument("--commit", help="the checkout's commit, when DIR is not a git work tree (e.g. an archive)")
    a = ap.parse_args(argv)
    python = os.environ.get("REFERENCE_PYTHON", "/usr/bin/python3")
    if not os.path.isfile(os.path.join(a.repo, "main.py")):
        sys.exit("reference_runs.py: %s has no main.py: give a checkout of GMvandeVen/continual-learning" % a.repo)
    if a.parse_log:
        runs = [r for r in parse_log(a.parse_log) if r["seed"] in a.seeds]
    else:
        link_mnist(a.repo)
        env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        runs = []
        for seed in a.seeds:
            cmd = [python] + command(a.method, a.setting, seed)
            start = time.time()
            p = subprocess.run(cmd, cwd=a.repo, env=env, capture_output=True, text=True)
            m = ACC.search(p.stdout)
            if p.returncode != 0 or not m:
                sys.exit("reference_runs.py: seed %d failed (exit %d): %s" % (seed, p.returncode,
                                                                              (p.stderr or p.stdout)[-300:]))
            runs.append({"seed": seed, "acc": float(m.group(2)), "seconds": round(time.time() - start, 1)})
            print("seed %d: ACC %.4f" % (seed, runs[-1]["acc"]), file=sys.stderr)
    for r in runs:
        r["command"] = " ".join(["OMP_NUM_THREADS=1"] + [os.path.basename(python)] + command(a.method, a.setting,
                                                                                              r["seed"]))
    out = record(a.method, a.setting, runs, python, versions(a.repo, python, a.commit))
    with open(a.json_out, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    s = out["acc"]
    print("%s %s: ACC %.4f ± %s over %d seeds" % (a.method, a.setting, s["mean"],
                                                  "n/a" if s["sem"] is None else "%.4f" % s["sem"], s["n"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
