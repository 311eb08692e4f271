#!/usr/bin/env python3
"""The README's performance tables, generated from the committed result files in benchmarks/results/.

    python3 benchmarks/readme_tables.py                 print every table
    python3 benchmarks/readme_tables.py --write README.md   replace each table between its markers
    python3 benchmarks/readme_tables.py --check README.md   exit 1 if README.md differs from the files

A table sits between <!-- perf:NAME:begin --> and <!-- perf:NAME:end --> in README.md. Its inputs are named in
SOURCES below; every figure is computed from them here, never typed by hand.

Train steps (JMH, TrainStepBench): the median of the measured iterations (JMH's rawData), as time per step; a
step's work is 2 x the MACs its GEMMs issue (per sample, derived by hand in TrainStepMacsTest: seed MLP 94,900,
seed VAE 510,976, wide MLP 1,119,200, wide VAE 2,888,000). The peak is the best median GFLOP/s of oneDNN's two
1024^3 SGEMMs (PeakGemmBench dnnlSgemm and dnnlMatmul) at the same thread count in the same file.
"""

import json
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "results")

# The committed files each table is made of (paths relative to benchmarks/results/).
SOURCES = {
    "steps": "jmh-20261202-042853.json",
    "bench": "bench-phases-20261202.json",
    "one-thread": "bench-one-thread-20261206.json",
    "one-thread-bf16": "bench-one-thread-bf16-20261207.json",
    "warp": "proto-warp-ab-20261207.json",
    "one-thread-pytorch": "one-thread-pytorch-20261206.json",
    "deferred-zero": "bench-deferred-zero-20261207.json",
    "bf16-copies": "bench-bf16-copies-20261207.json",
    "issue26-ab": "jmh-issue26-ab-20261207.json",
    "pytorch-steps": "pytorch-train-step-20261202.json",
    "e2e-wide": "side-by-side-wide-iters2000-vae2000.json",
    "e2e-seed": "side-by-side-seed.json",
    "sweep": ["sweep-scaling-seed-gr.json", "sweep-scaling-wide-er.json"],
    "wait": {"quiet": "jmh-20261202-wait-quiet.json", "busy": "jmh-20261202-wait-busy.json"},
}

MACS_PER_SAMPLE = {("seed", "mlp"): 94_900, ("seed", "vae"): 510_976, ("wide", "mlp"): 1_119_200,
                   ("wide", "vae"): 2_888_000}


def load(name):
    with open(os.path.join(RESULTS, name)) as f:
        return json.load(f)


def median_ms(result):
    """Median time per operation of a JMH result, in milliseconds."""
    m = result["primaryMetric"]
    raw = [x for fork in m["rawData"] for x in fork]
    unit = m["scoreUnit"]
    scale = {"us/op": 1e-3, "ms/op": 1.0, "ns/op": 1e-6, "s/op": 1e3}[unit]
    return statistics.median(raw) * scale


def jmh_peak(jmh):
    """The peak by thread count: the best median GFLOP/s of oneDNN's two 1024^3 SGEMMs in a JMH file."""
    peak = {}
    for r in jmh:
        if ".PeakGemmBench.dnnl" in r["benchmark"]:
            n = int(r["params"]["n"])
            t = int(r["params"]["threads"])
            peak[t] = max(peak.get(t, 0), 2 * n ** 3 / (median_ms(r) * 1e-3) / 1e9)
    return peak


def steps_table():
    jmh = load(SOURCES["steps"])
    peak = jmh_peak(jmh)
    step = {}
    for r in jmh:
        if r["benchmark"].endswith("TrainStepBench.step"):
            p = r["params"]
            step[(p["preset"], p["model"], p["backend"], int(p["threads"]), int(p["batch"]))] = median_ms(r)
    torch = load(SOURCES["pytorch-steps"])
    best_torch = {}
    for r in torch["results"]:
        key = (r["preset"], r["model"], int(r["batch"]))
        best_torch[key] = max(best_torch.get(key, 0), r["samples_per_s"])
    threads, batch = 2, 128
    pk = peak[threads]
    lines = ["| train step, batch %d, %d threads | Rehearsal fp32 | bf16 (`--precision bf16`) | bf16 / fp32 "
             "| PyTorch 1.13 (best of 1 and 2 threads) | Rehearsal fp32 / PyTorch | jvm backend |" % (batch, threads),
             "|---|---|---|---|---|---|---|"]
    for preset in ("seed", "wide"):
        for model in ("mlp", "vae"):
            flops = 2.0 * MACS_PER_SAMPLE[(preset, model)] * batch

            def rate(backend):
                ms = step.get((preset, model, backend, threads, batch))
                return None if ms is None else (batch / (ms * 1e-3), flops / (ms * 1e-3) / 1e9, ms)

            f32, b16, jvm = rate("native-dnnl"), rate("native-dnnl-bf16"), rate("jvm")
            t = best_torch.get((preset, model, batch))
            lines.append("| %s %s | %s samples/s (%.0f GFLOP/s, **%.0f%%** of peak) | %s (%.0f GFLOP/s, %.0f%%) | "
                         "**%.2fx** | %s | %.2fx | %s |" % (
                             preset, model.upper(), format(round(f32[0]), ","), f32[1], 100 * f32[1] / pk,
                             format(round(b16[0]), ","), b16[1], 100 * b16[1] / pk, b16[0] / f32[0],
                             format(round(t), ",") if t else "-", f32[0] / t if t else float("nan"),
                             format(round(jvm[0]), ",")))
    lines.append("")
    lines.append("Peak in the same JMH run: %.0f GFLOP/s on %d threads, oneDNN 1024^3 SGEMM; bf16 percentages are "
                 "of this float32 peak." % (pk, threads))
    return "\n".join(lines)


def linear_table():
    jmh = load(SOURCES["steps"])
    peak = jmh_peak(jmh)[2]
    rate = {}
    for r in jmh:
        if ".LinearBench." in r["benchmark"]:
            p = r["params"]
            b, (i, o) = int(p["batch"]), (int(x) for x in p["shape"].split("x"))
            method = r["benchmark"].rsplit(".", 1)[1]
            flops = (2 if method == "forward" else 4) * b * i * o
            rate[(p["shape"], method, p["backend"])] = flops / (median_ms(r) * 1e-3) / 1e9
    lines = ["| linear layer, batch 128, 2 threads | fp32 GFLOP/s (of peak) | bf16 GFLOP/s | bf16 / fp32 | jvm |",
             "|---|---|---|---|---|"]
    for shape in sorted({k[0] for k in rate}, key=lambda x: -int(x.split("x")[0])):
        for method in ("forward", "backward"):
            f32 = rate.get((shape, method, "native-dnnl"))
            b16 = rate.get((shape, method, "native-dnnl-bf16"))
            jvm = rate.get((shape, method, "jvm"))
            if f32 is None:
                continue
            lines.append("| %s %s | %.0f (%.0f%%) | %.0f | %.2fx | %.0f |" % (
                shape.replace("x", " x "), method, f32, 100 * f32 / peak, b16, b16 / f32, jvm))
    return "\n".join(lines)


def phases_table():
    doc = load(SOURCES["bench"])
    rows = [r for r in doc["steps"] if r["backend"] == "native" and r["preset"] in ("seed", "wide")]
    lines = ["| native step, batch %d, %d threads | step | of the peak beside it | bf16 / fp32 | noise | zero_grad "
             "| forward | loss | backward | optimizer |" % (rows[0]["batch"], rows[0]["threads"]),
             "|---|---|---|---|---|---|---|---|---|---|"]
    fp32 = {(r["preset"], r["model"]): r for r in rows if r["precision"] == "fp32"}
    for r in rows:
        ph = r["phases_us"]
        total = sum(ph.values())
        ratio = (r["samples_per_s"] / fp32[(r["preset"], r["model"])]["samples_per_s"]
                 if r["precision"] == "bf16" else None)

        def cell(name):
            return "%s (%.0f%%)" % (format(round(ph[name]), ","), 100 * ph[name] / total) if name in ph else "-"

        lines.append("| %s %s %s | %s us | %.0f%% | %s | %s | %s | %s | %s | %s | %s |" % (
            r["preset"], r["model"].upper(), r["precision"], format(round(r["median_step_us"]), ","),
            100 * r["fraction_of_peak"], "%.2fx" % ratio if ratio else "-", cell("noise"), cell("zero_grad"),
            cell("forward"), cell("loss"), cell("backward"), cell("optimizer")))
    lines.append("")
    lines.append("Peak: %.0f GFLOP/s, the median of the rounds interleaved with the native steps (OpenMP wait %s)."
                 % (doc["peak"]["gflops"], doc["omp_wait"]))
    return "\n".join(lines)


def e2e_row(name, doc):
    s = doc["summary"]
    proto = doc["protocol"]
    seeds = proto["seeds"]
    out = []
    torch = s["pytorch"]
    for tool, label in (("rehearsal", "Rehearsal fp32"), ("rehearsal-bf16", "Rehearsal bf16")):
        if tool not in s:
            continue
        m = s[tool]
        out.append("| %s | %s | %.1f s | %.4f ± %.4f | %.1f s | %.4f ± %.4f | **%.2f** (%s) |" % (
            name, label, m["wall_seconds_mean"], m["acc_mean"], m["acc_std"] or 0, torch["wall_seconds_mean"],
            torch["acc_mean"], torch["acc_std"] or 0, m["wall_ratio_to_pytorch_median"],
            ", ".join("%.2f" % x for x in m["wall_ratio_to_pytorch"])))
    return out, seeds


def e2e_table():
    lines = ["| experiment (gr, seeds %s) | tool | wall time (mean) | ACC (mean ± std) | PyTorch wall time | PyTorch ACC "
             "| Rehearsal / PyTorch wall time (median; per seed) |",
             "|---|---|---|---|---|---|---|"]
    seeds = None
    for key, name in (("e2e-wide", "wide, 2000 + 2000 iterations"), ("e2e-seed", "seed, 2 + 5 epochs")):
        rows, seeds = e2e_row(name, load(SOURCES[key]))
        lines.extend(rows)
    lines[0] = lines[0].replace("%s", " ".join(str(x) for x in seeds), 1)
    return "\n".join(lines)


def sweep_table():
    lines = ["| sweep | one experiment alone (1 thread) | experiments, at once | sweep wall time | experiments per "
             "hour | ideal (cores x one's rate) | efficiency | an experiment inside the sweep |",
             "|---|---|---|---|---|---|---|---|"]
    for name in SOURCES["sweep"]:
        r = load(name)
        t1 = statistics.mean(r["single_experiment_seconds"])
        inside = r.get("experiment_seconds_in_sweep") or []
        lines.append("| %s %s | %.1f s | %d, %d | %.1f s | %.0f | %.0f | **%.1f%%** | %s |" % (
            r["preset"], r["strategy"], t1, r["experiments"], r["parallel"], r["sweep_seconds"],
            r["experiments_per_hour"], r["ideal_experiments_per_hour"], 100 * r["efficiency"],
            "%.1f s (%.0f%% of alone)" % (statistics.mean(inside), 100 * statistics.mean(inside) / t1) if inside
            else "-"))
    return "\n".join(lines)


def wait_table():
    label = {"native-dnnl": "`auto` (**the default**)", "native-dnnl-passive": "`passive`",
             "native-dnnl-brief": "`brief`"}
    times = {}
    for when, name in SOURCES["wait"].items():
        for r in load(name):
            if r["benchmark"].endswith("TrainStepBench.step"):
                times[(r["params"]["backend"], when)] = median_ms(r) * 1e3
    lines = ["| `--omp-wait`, wide MLP step, batch 128, 2 threads | quiet machine | another process holding a core "
             "(`yes > /dev/null`) |", "|---|---|---|"]
    for backend in ("native-dnnl", "native-dnnl-passive", "native-dnnl-brief"):
        lines.append("| %s | %s us | %s us |" % (label[backend], format(round(times[(backend, "quiet")]), ","),
                                                format(round(times[(backend, "busy")]), ",")))
    return "\n".join(lines)


def native_steps(bench, what, precision="fp32"):
    """The native steps (float32 unless told) of a `bench --threads 1` output, which must have been timed in the
    thread's CPU time (what: how to name the output in the error)."""
    if bench.get("clock") != "thread_cpu":
        raise SystemExit("error: %s was not timed in the thread's CPU time" % what)
    return [r for r in bench["steps"] if r["backend"] == "native" and r["precision"] == precision]


# The issue's goals for a one-thread step, as fractions of the one-thread peak.
ONE_THREAD_GOALS = {"seed": 0.60, "wide": 0.80}


def one_thread_table():
    """bench --threads 1 --phases: every native fp32 step against the peak timed beside it, both in the thread's
    CPU time; the GEMMs' own ceiling is the step's FLOPs (all of them in forward and backward) over those two
    phases' time alone, what the step would reach if zero_grad, the loss, the noise and Adam took nothing."""
    doc = load(SOURCES["one-thread"])
    rows = native_steps(doc, SOURCES["one-thread"])
    lines = ["| native fp32 step, batch %d, 1 thread | step (CPU time) | peak beside it | of that peak | goal | "
             "forward + backward alone | noise | zero_grad | forward | loss | backward | optimizer |" % rows[0]["batch"],
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ph = r["phases_us"]
        total = sum(ph.values())
        gemm_side = 2.0 * r["macs_per_step"] / ((ph["forward"] + ph["backward"]) * 1e3) / r["peak_gflops"]
        goal = ONE_THREAD_GOALS.get(r["preset"])

        def cell(name):
            return "%s (%.0f%%)" % (format(round(ph[name]), ","), 100 * ph[name] / total) if name in ph else "-"

        lines.append("| %s %s | %s us | %.0f | **%.0f%%** | %s | %.0f%% | %s | %s | %s | %s | %s | %s |" % (
            r["preset"], r["model"].upper(), format(round(r["median_step_us"]), ","), r["peak_gflops"],
            100 * r["fraction_of_peak"],
            ">= %.0f%%" % (100 * goal) if goal else "-", 100 * gemm_side, cell("noise"), cell("zero_grad"),
            cell("forward"), cell("loss"), cell("backward"), cell("optimizer")))
    lines.append("")
    lines.append("Peaks in GFLOP per CPU second: each row's is the median of the one-thread %d^3 SGEMM rounds "
                 "interleaved with its steps (%.0f over all rows); %s, %d core%s visible to the process, %s (oneDNN "
                 "%s)." % (1024, doc["peak"]["gflops"], doc["cpu"], doc["cores"], "" if doc["cores"] == 1 else "s",
                           doc["date"], doc["isa"]["onednn_isa"]))
    return "\n".join(lines)


# The issue's goal for a whole bf16 step where only AVX512_BF16 exists (AMX's is 3x), over the float32 step.
BF16_GOAL = 1.6


def one_thread_bf16_table():
    """bench --threads 1 --phases, several runs on a CPU with AVX512_BF16: per model, the float32 step against the
    float32 peak and the bf16 step against both the float32 step and the bfloat16 peak, each run's figures being the
    medians of its own interleaved rounds and the table's the median over the runs. The ceiling is what the bf16
    step would gain if its forward and backward phases ran the float32 ones' work at the bfloat16 peak's gain over
    the float32 peak (both measured beside them) and its other phases (Adam, the loss, zero_grad, the noise) took
    the float32 time: fp32 step / (fp32 forward+backward / gain + fp32 rest)."""
    doc = load(SOURCES["one-thread-bf16"])
    runs = doc["runs"]
    for i, run in enumerate(runs):
        native_steps(run, "%s run %d" % (SOURCES["one-thread-bf16"], i + 1))
        if not run["isa"]["avx512_bf16"]:
            raise SystemExit("error: %s run %d ran without AVX512_BF16" % (SOURCES["one-thread-bf16"], i + 1))

    def step(run, key, precision):
        return next(r for r in run["steps"] if (r["preset"], r["model"]) == key and r["backend"] == "native"
                    and r["precision"] == precision)

    keys = [(r["preset"], r["model"]) for r in native_steps(runs[0], SOURCES["one-thread-bf16"])]
    lines = ["| native step, batch %d, 1 thread (CPU time) | fp32 step | fp32, of the fp32 peak (each run) | goal | "
             "bf16 step | bf16 / fp32 (each run) | goal | bf16 peak / fp32 peak | ceiling of bf16 / fp32 | "
             "Adam, of the bf16 step |" % step(runs[0], keys[0], "fp32")["batch"],
             "|---|---|---|---|---|---|---|---|---|---|"]
    for key in keys:
        f = [step(run, key, "fp32") for run in runs]
        b = [step(run, key, "bf16") for run in runs]
        frac = [100 * x["fraction_of_peak"] for x in f]
        ratio = [x["median_step_us"] / y["median_step_us"] for x, y in zip(f, b)]
        gain = [y["peak_bf16_gflops"] / x["peak_gflops"] for x, y in zip(f, b)]
        ceiling = []
        for x, g in zip(f, gain):
            ph = x["phases_us"]
            gemm = ph["forward"] + ph["backward"]
            ceiling.append(sum(ph.values()) / (gemm / g + sum(ph.values()) - gemm))
        adam = [100 * y["phases_us"]["optimizer"] / sum(y["phases_us"].values()) for y in b]
        goal = ONE_THREAD_GOALS.get(key[0])
        med = statistics.median
        lines.append("| %s %s | %s us | **%.0f%%** (%s) | %s | %s us | **%.2fx** (%s) | >= %.1fx | %.2fx | %.2fx | %.0f%% |"
                     % (key[0], key[1].upper(), format(round(med(x["median_step_us"] for x in f)), ","), med(frac),
                        ", ".join("%.0f" % v for v in frac), ">= %.0f%%" % (100 * goal) if goal else "-",
                        format(round(med(y["median_step_us"] for y in b)), ","), med(ratio),
                        ", ".join("%.2f" % v for v in ratio), BF16_GOAL, med(gain), med(ceiling), med(adam)))
    first = runs[0]
    lines.append("")
    lines.append("`%s`, %d runs (%s); peaks in GFLOP per CPU second, each the median of the rounds interleaved with "
                 "a model's steps: float32 %.0f-%.0f, bfloat16 %.0f-%.0f over the runs (the %d^3 products of bench); %s, "
                 "%d core visible to the process, %s (oneDNN %s, AVX512_BF16 %s, AMX %s)."
                 % (doc["command"], len(runs), doc["conditions"], min(r["peak"]["gflops"] for r in runs),
                    max(r["peak"]["gflops"] for r in runs), min(r["peak_bf16"]["gflops"] for r in runs),
                    max(r["peak_bf16"]["gflops"] for r in runs), 1024, first["cpu"], first["cores"], first["date"],
                    first["isa"]["onednn_isa"], "yes" if first["isa"]["avx512_bf16"] else "no",
                    "yes" if first["isa"]["amx"] else "no"))
    return "\n".join(lines)


def warp_table():
    """proto-warp-ab-*.json: the same proto run with the build before and after the vectorised warp kernel,
    alternated; per build the median over the rounds of each phase's wall seconds and of the run's total, each round's
    beside it, and whether every round gave the same ACC (the kernel must not change a bit)."""
    doc = load(SOURCES["warp"])
    runs = doc["runs"]
    builds = ("before", "after")
    lines = ["| proto run, one thread | generation (replay draws), s | solver training, s | consolidation, s | "
             "total, s | ACC |", "|---|---|---|---|---|---|"]
    for b in builds:
        rs = [r for r in runs if r["build"] == b]

        def cell(key):
            v = [r["seconds"][key] for r in rs]
            return "%.2f (%s)" % (statistics.median(v), ", ".join("%.2f" % x for x in v))

        accs = {r["acc"] for r in rs}
        lines.append("| %s | %s | %s | %s | %s | %s |" % (b, cell("generation"), cell("solver_training"),
                                                         cell("consolidation"), cell("total"),
                                                         "%.6f" % accs.pop() if len(accs) == 1 else "differs"))
    same = len({r["acc"] for r in runs}) == 1
    ratio = statistics.median(r["seconds"]["generation"] for r in runs if r["build"] == "before") / statistics.median(
        r["seconds"]["generation"] for r in runs if r["build"] == "after")
    lines.append("")
    lines.append("`%s`, %d rounds of each build alternated (%s); %s, %s. Replay draws %.1fx as fast; ACC %s."
                 % (doc["command"], len(runs) // 2, doc["conditions"], runs[0]["cpu"], doc["date"], ratio,
                    "bit for bit the same in every run" if same else "NOT the same in every run"))
    return "\n".join(lines)


def ab_steps(doc, name, precision):
    """steps[i][build][(preset, model)]: round i's native step in this precision of that build ("before", "after"),
    from a document of `bench --threads 1` outputs of two builds alternated round by round (its "rounds")."""
    out = []
    for r in doc["rounds"]:
        out.append({build: {(x["preset"], x["model"]): x for x in native_steps(
            r[build], "%s round %s (%s)" % (name, r["round"], build), precision)} for build in ("before", "after")})
    return out


def bf16_copies_table():
    """bench-bf16-copies-*.json: `bench --threads 1 --phases --json` of two builds, before and after a bf16 layer's
    backward started using the rounded x and w its forward left in the layer's own workspace, alternated round by
    round on one core. Per model and build, the float32 time over the bf16 time of the backward, forward and Adam
    phases and of the whole step, each from the same run (the figures that survive the machine's drift between rounds: the float32
    path is the same code in both builds): the median over the rounds (and each round's, for the backward)."""
    doc = load(SOURCES["bf16-copies"])
    fp32 = ab_steps(doc, SOURCES["bf16-copies"], "fp32")
    bf16 = ab_steps(doc, SOURCES["bf16-copies"], "bf16")
    keys = list(fp32[0]["before"])
    lines = ["| native step, batch %d, 1 thread (CPU time) | backward fp32 / bf16, before (median; each round) | "
             "after | forward, before | after | Adam, before | after | step, before | after |"
             % fp32[0]["before"][keys[0]]["batch"], "|---|---|---|---|---|---|---|---|---|"]

    def ratios(build, key, f, each=False):
        v = [f(a[build][key]) / f(b[build][key]) for a, b in zip(fp32, bf16)]
        return "**%.2fx**" % statistics.median(v) + (" (%s)" % ", ".join("%.2f" % x for x in v) if each else "")

    def phase(name):
        return lambda x: x["phases_us"][name]

    def step(x):
        return x["median_step_us"]

    for key in keys:
        lines.append("| %s %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            key[0], key[1].upper(), ratios("before", key, phase("backward"), True),
            ratios("after", key, phase("backward"), True), ratios("before", key, phase("forward")),
            ratios("after", key, phase("forward")), ratios("before", key, phase("optimizer")),
            ratios("after", key, phase("optimizer")), ratios("before", key, step), ratios("after", key, step)))
    first = doc["rounds"][0]["before"]
    lines.append("")
    lines.append("`%s`, %d rounds of each build alternated (before: %s, after: %s; %s); %s, %s (oneDNN %s)."
                 % (doc["command"], len(doc["rounds"]), doc["before_commit"], doc["after_commit"], doc["conditions"],
                    first["cpu"], first["date"], first["isa"]["onednn_isa"]))
    return "\n".join(lines)


def deferred_zero_table():
    """benchmarks/results/bench-deferred-zero-*.json: `bench --threads 1 --phases --json` of two builds, before and
    after zeroGrad stopped filling the layers' weight gradients (their next backward writes them instead), alternated
    round by round on one core, every step and peak in the thread's CPU time. Per model: each build's fraction of the
    peak timed beside its steps (the figure that survives the machine's drift between rounds), the median over the
    rounds and each round's; the zero_grad phase and the step, medians over the rounds."""
    doc = load(SOURCES["deferred-zero"])
    rounds = doc["rounds"]
    steps = ab_steps(doc, SOURCES["deferred-zero"], "fp32")
    keys = list(steps[0]["before"])
    lines = ["| native fp32 step, batch %d, 1 thread (CPU time) | of the peak beside it, before (median; each round) "
             "| after | zero_grad before | after | step before | after |" % steps[0]["before"][keys[0]]["batch"],
             "|---|---|---|---|---|---|---|"]

    def fractions(build, key):
        f = [100 * s[build][key]["fraction_of_peak"] for s in steps]
        return "**%.0f%%** (%s)" % (statistics.median(f), ", ".join("%.0f" % x for x in f))

    def med(build, key, f):
        return format(round(statistics.median(f(s[build][key]) for s in steps)), ",")

    for key in keys:
        lines.append("| %s %s | %s | %s | %s us | %s us | %s us | %s us |" % (
            key[0], key[1].upper(), fractions("before", key), fractions("after", key),
            med("before", key, lambda x: x["phases_us"]["zero_grad"]),
            med("after", key, lambda x: x["phases_us"]["zero_grad"]),
            med("before", key, lambda x: x["median_step_us"]), med("after", key, lambda x: x["median_step_us"])))
    peaks = {b: [r[b]["peak"]["gflops"] for r in rounds] for b in ("before", "after")}
    first = rounds[0]["before"]
    lines.append("")
    lines.append("`%s`, %d rounds of each build alternated (before: %s, after: %s); the one-thread peak beside the "
                 "steps moved between %.0f and %.0f GFLOP per CPU second over the rounds; %s, %s (oneDNN %s)."
                 % (doc["command"], len(rounds), doc["before_commit"], doc["after_commit"],
                    min(peaks["before"] + peaks["after"]), max(peaks["before"] + peaks["after"]), first["cpu"],
                    first["date"], first["isa"]["onednn_isa"]))
    return "\n".join(lines)


def issue26_ab_table():
    """benchmarks/results/jmh-issue26-ab-*.json: JMH's TrainStepBench, the build before the performance issue's
    work and the current one, alternated round by round in one session (each round one JMH run of every step of
    each build, one thread, one fork per step). Per step: each build's time per step (the median of a round's
    measured iterations, then the median over the rounds) and after / before, the median of the rounds' own
    ratios and each round's."""
    doc = load(SOURCES["issue26-ab"])
    rounds = doc["rounds"]

    def steps(jmh):
        out = {}
        for r in jmh:
            if r["benchmark"].endswith("TrainStepBench.step"):
                q = r["params"]
                out[(q["preset"], q["model"], q["backend"], int(q["threads"]), int(q["batch"]))] = median_ms(r) * 1e3
        return out

    per = [{b: steps(r[b]) for b in ("before", "after")} for r in rounds]
    keys = [k for k in per[0]["before"] if all(k in p["before"] and k in p["after"] for p in per)]
    if not keys:
        raise SystemExit("error: %s holds no TrainStepBench step measured in both builds" % SOURCES["issue26-ab"])
    keys.sort(key=lambda k: (k[2], ("seed", "wide").index(k[0]), k[1]))
    lines = ["| JMH TrainStepBench, batch %d, %d thread | before | after | after / before (median; each round) |"
             % (keys[0][4], keys[0][3]), "|---|---|---|---|"]
    for k in keys:
        ratios = [p["after"][k] / p["before"][k] for p in per]
        lines.append("| %s %s, %s | %s us | %s us | **%.2f** (%s) |" % (
            k[0], k[1].upper(), k[2], format(round(statistics.median(p["before"][k] for p in per)), ","),
            format(round(statistics.median(p["after"][k] for p in per)), ","), statistics.median(ratios),
            ", ".join("%.2f" % x for x in ratios)))
    lines.append("")
    lines.append("`%s`, %d rounds of the two builds alternated (before: %s, after: %s); %s" % (
        doc["command"], len(rounds), doc["before_commit"], doc["after_commit"], doc["conditions"]))
    return "\n".join(lines)


def one_thread_pytorch_table():
    """benchmarks/pytorch/one_thread.py: Rehearsal's and PyTorch's one-thread steps alternated in one run, both in
    the thread's CPU time; the ratio is the median of the rounds' own ratios."""
    doc = load(SOURCES["one-thread-pytorch"])
    lines = ["| train step, batch %d, 1 thread (CPU time) | Rehearsal | PyTorch %s | PyTorch / Rehearsal (median; "
             "each round) | Rehearsal, of the peak | PyTorch, of the peak |" % (doc["summary"][0]["batch"],
                                                                              doc["torch"]),
             "|---|---|---|---|---|---|"]
    for r in doc["summary"]:
        lines.append("| %s %s | %s us | %s us | **%.2fx** (%s) | %.0f%% | %.0f%% |" % (
            r["preset"], r["model"].upper(), format(round(r["rehearsal_step_us"]), ","),
            format(round(r["pytorch_step_us"]), ","), r["pytorch_over_rehearsal"],
            ", ".join("%.2f" % x for x in r["ratios"]), 100 * r["rehearsal_fraction_of_peak"],
            100 * r["pytorch_fraction_of_peak"]))
    lines.append("")
    lines.append("`%s`, %d round%s; the peak is the median of bench's one-thread SGEMM rounds (%s GFLOP per CPU "
                 "second); %s, %d core%s visible to the process, %s (oneDNN %s; PyTorch's GEMMs are OpenBLAS's)."
                 % (doc["command"], len(doc["rounds"]), "" if len(doc["rounds"]) == 1 else "s", "-".join("%.0f" % f(r["peak_gflops"] for r in doc["summary"])
                                                                   for f in (min, max)),
                    doc["cpu"], doc["cores"], "" if doc["cores"] == 1 else "s", doc["date"], doc["onednn_isa"]))
    return "\n".join(lines)


TABLES = {"issue26-ab": issue26_ab_table, "deferred-zero": deferred_zero_table, "bf16-copies": bf16_copies_table, "one-thread": one_thread_table, "one-thread-bf16": one_thread_bf16_table, "warp": warp_table, "one-thread-pytorch": one_thread_pytorch_table, "steps": steps_table, "linear": linear_table, "phases": phases_table, "e2e": e2e_table,
          "sweep": sweep_table, "wait": wait_table}


def replace(text, name, table, prefix="perf"):
    """The README text with the table between <!-- PREFIX:NAME:begin --> and <!-- PREFIX:NAME:end -->."""
    begin = "<!-- %s:%s:begin -->" % (prefix, name)
    end = "<!-- %s:%s:end -->" % (prefix, name)
    if begin not in text or end not in text:
        raise SystemExit("error: README has no %s ... %s markers" % (begin, end))
    a = text.index(begin) + len(begin)
    b = text.index(end)
    return text[:a] + "\n" + table + "\n" + text[b:]


def not_merged(what, missing):
    """A generated block whose input is not there yet: it says so, instead of keeping whatever the README held."""
    return "*No experiment of this %s has been merged yet* (%s)." % (what, missing)


def fixed(x, digits):
    """x with {@code digits} decimals as Java's String.format("%.Nf") prints it, so that a value Rehearsal wrote into
    frontier.md or sweep.md reads the same in the README: the shortest decimal that gives the double back (repr),
    rounded half up. Python's "%.4f" rounds the exact binary value, an exact tie to even: the Wilcoxon p-value
    0.03125 (2/2^8 x 4) is 0.0312 there and 0.0313 in Java."""
    from decimal import Decimal, ROUND_HALF_UP
    return str(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


# Below this a t-test's p-value prints as "< 1e-12": it is 1 minus a probability near 1 (Java's StudentT), good to
# about 1e-16 absolute, and Holm multiplies it; Verdict.P_FLOOR in Java.
P_FLOOR = 1e-12


def p_value(p):
    """A p-value as every generated table prints it: 4 decimals, scientific below 1e-4, "< 1e-12" below P_FLOOR,
    n/a when absent (Verdict.formatP in Java)."""
    if p is None:
        return "n/a"
    return "< 1e-12" if p < P_FLOOR else ("%.1e" % p if p < 1e-4 else fixed(p, 4))


# What "too few seeds to decide" means, in every generated table's header (Verdict.TOO_FEW_MEANS in Java says the same).
TOO_FEW_NOTE = ("\"too few seeds to decide\" where the seeds could not have let the corrected Wilcoxon p go below 0.05 "
                "whatever the differences")


def verdict(comparison, where):
    """A paired comparison's verdict as Rehearsal wrote it (Verdict.label in Java, the one vocabulary: "X better",
    "not distinguishable", "too few seeds to decide"); a file written before verdicts were recorded is refused."""
    if "verdict" not in comparison:
        raise SystemExit("error: %s holds a comparison without a verdict (written before 2026-12-07): merge it again "
                         "with `rehearsal sweep --config GRID --out FOLDER --merge-only`" % where)
    return comparison["verdict"]


def marker_cli(argv, blocks, prefix, script, what, source):
    """The command line every README table script shares: no argument prints each block; --write README.md
    replaces each block between its <!-- PREFIX:NAME:begin/end --> markers; --check README.md exits 1 when the
    README differs from what the committed files give. {@code blocks} maps a block's name to a function of no
    argument returning its text; {@code what} and {@code source} name the blocks and their files in the error."""
    if len(argv) == 1:
        for name, make in blocks.items():
            print("## %s\n\n%s\n" % (name, make()))
        return 0
    if len(argv) != 3 or argv[1] not in ("--write", "--check"):
        print("usage: %s [--write|--check README.md]" % os.path.basename(script), file=sys.stderr)
        return 2
    with open(argv[2]) as f:
        text = f.read()
    new = text
    for name, make in blocks.items():
        new = replace(new, name, make(), prefix=prefix)
    if argv[1] == "--write":
        with open(argv[2], "w") as f:
            f.write(new)
        return 0
    if new != text:
        print("error: the %s of %s differ from %s (run: python3 %s --write %s)"
              % (what, argv[2], source, script, argv[2]), file=sys.stderr)
        return 1
    return 0


def main(argv):
    return marker_cli(argv, TABLES, "perf", "benchmarks/readme_tables.py", "performance tables", "benchmarks/results/")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
