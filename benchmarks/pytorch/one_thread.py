#!/usr/bin/env python3
"""One-thread training steps, Rehearsal against PyTorch, in one run: the way sweeps run experiments.

    python3 benchmarks/pytorch/one_thread.py [--rounds 3] [--jar target/rehearsal.jar] [--python /usr/bin/python3]
                                             [--out FILE] [--quick]

Each round runs `java -jar JAR bench --threads 1 --json` and then `train_step.py --threads 1 --clock thread_cpu
--json` (under --python, the interpreter that has torch), one after the other, never at once. Both time every
step in the calling thread's CPU time, so another process on the machine lengthens neither; bench also times the
one-thread SGEMM peak between its steps. Per model, the ratio PyTorch / Rehearsal is taken within each round and
its median over the rounds is the figure; the medians of each tool's step times are beside it. Pin the command
to one core (`taskset -c 0 ...`) and keep other work off that core for figures worth quoting.

The JSON written to --out holds every round's two outputs whole and the summary; benchmarks/readme_tables.py
makes the README's table from it.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MODELS = [("seed", "mlp"), ("seed", "vae"), ("wide", "mlp"), ("wide", "vae")]


def run_json(cmd):
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if out.returncode != 0:
        raise SystemExit("error: %s exited with %d: %s" % (" ".join(cmd), out.returncode,
                                                           (out.stderr.strip().splitlines() or [""])[-1]))
    return json.loads(out.stdout)


def main():
    ap = argparse.ArgumentParser(description="One-thread training steps of Rehearsal and PyTorch, alternated.")
    ap.add_argument("--rounds", type=int, default=3, help="alternations of the two tools (default: 3)")
    ap.add_argument("--jar", default=os.path.join(ROOT, "target", "rehearsal.jar"))
    ap.add_argument("--python", default="/usr/bin/python3", help="an interpreter with torch (default: Debian's)")
    ap.add_argument("--out", help="where the JSON goes (default: stdout)")
    ap.add_argument("--quick", action="store_true", help="both tools' short configurations (a smoke test)")
    args = ap.parse_args()
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    if not os.path.isfile(args.jar):
        raise SystemExit("error: %s not found: build it with mvn -B package -DskipTests" % args.jar)
    bench = ["java", "-jar", args.jar, "bench", "--threads", "1", "--json"] + (["--quick"] if args.quick else [])
    torch = [args.python, os.path.join(HERE, "train_step.py"), "--threads", "1", "--clock", "thread_cpu",
             "--json"] + (["--quick"] if args.quick else [])
    version = subprocess.run([args.python, "-c", "import torch; print(torch.__version__)"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True).stdout.strip() or None
    if version is None:
        raise SystemExit("error: %s has no torch (on Debian: apt-get install python3-torch)" % args.python)
    rounds = []
    for i in range(args.rounds):
        print("round %d/%d: rehearsal bench" % (i + 1, args.rounds), file=sys.stderr)
        ours = run_json(bench)
        if ours.get("clock") != "thread_cpu":
            raise SystemExit("error: bench did not time in the thread's CPU time (clock %s)" % ours.get("clock"))
        print("round %d/%d: pytorch" % (i + 1, args.rounds), file=sys.stderr)
        theirs = run_json(torch)
        rounds.append({"rehearsal": ours, "pytorch": theirs})
    summary = []
    for preset, model in MODELS:
        ours_us, theirs_us, ratios, peaks = [], [], [], []
        for r in rounds:
            o = next(x for x in r["rehearsal"]["steps"] if x["preset"] == preset and x["model"] == model
                     and x["backend"] == "native" and x["precision"] == "fp32")
            t = next(x for x in r["pytorch"] if x["preset"] == preset and x["model"] == model)
            # train_step.py checks its step's MACs against Rehearsal's count before it times anything.
            if t["batch"] != o["batch"]:
                raise SystemExit("error: the two tools ran different batches for %s %s" % (preset, model))
            ours_us.append(o["median_step_us"])
            theirs_us.append(t["median_step_us"])
            ratios.append(t["median_step_us"] / o["median_step_us"])
            peaks.append(o["peak_gflops"])
        flops = 2.0 * o["macs_per_step"]  # the same step in every round
        peak = statistics.median(peaks)
        summary.append({
            "preset": preset, "model": model, "batch": o["batch"],
            "rehearsal_step_us": statistics.median(ours_us), "pytorch_step_us": statistics.median(theirs_us),
            "pytorch_over_rehearsal": statistics.median(ratios), "ratios": ratios,
            "peak_gflops": peak,
            "rehearsal_fraction_of_peak": flops / (statistics.median(ours_us) * 1e3) / peak,
            "pytorch_fraction_of_peak": flops / (statistics.median(theirs_us) * 1e3) / peak,
        })
    first = rounds[0]["rehearsal"]
    doc = {"what": "one-thread training steps, rehearsal bench --threads 1 and PyTorch train_step.py --threads 1 "
                   "--clock thread_cpu alternated, both in the thread's CPU time; ratios within each round, "
                   "medians over rounds",
           "command": "python3 benchmarks/pytorch/one_thread.py --rounds %d%s" % (args.rounds,
                                                                                " --quick" if args.quick else ""),
           "cpu": first.get("cpu"), "cores": first.get("cores"),
           "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
           "onednn_isa": first["isa"]["onednn_isa"], "torch": version, "quick": args.quick, "rounds": rounds, "summary": summary}
    text = json.dumps(doc, indent=1)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)
    for s in summary:
        print("%s %s: Rehearsal %.0f us, PyTorch %.0f us, PyTorch / Rehearsal %.2fx (rounds %s)" % (
            s["preset"], s["model"], s["rehearsal_step_us"], s["pytorch_step_us"], s["pytorch_over_rehearsal"],
            ", ".join("%.2f" % x for x in s["ratios"])), file=sys.stderr)


if __name__ == "__main__":
    main()
