#!/usr/bin/env python3
"""The README's figures that Rehearsal's own commands print, generated from their committed run folders.

    python3 docs/results/measured_figures.py                    print every block
    python3 docs/results/measured_figures.py --write README.md  replace each block between its markers
    python3 docs/results/measured_figures.py --check README.md  exit 1 if README.md differs from the folders

A block sits between <!-- measured:NAME:begin --> and <!-- measured:NAME:end --> in README.md. Its input is a run
folder in docs/results/measured/NAME/, committed as the command wrote it (its manifest, and its JSON and text
outputs; not its figures or report.html), so every figure in the block is one the command printed, with the date
(the manifest's "finished", UTC) and the machine (the "machine" its JSON files carry) it was measured on:

    profile-gr  java -jar target/rehearsal.jar profile --strategy gr --threads 2 --omp-wait passive
                (its profile.txt verbatim; ProfileRecordTest checks it is the rendering of profile.json, and that
                what profile prints today for the same config equals it)
    compare     java -jar target/rehearsal.jar compare --seeds 1,2,3 --threads 2 --omp-wait passive
                (the main job's table: mean +- sample std over the seeds, from results.json)
    machine-use-er
                java -jar target/rehearsal.jar run --preset wide --iterations 2000 --setting class
                --class-order random --per-class 100 --strategy er --seed 2 --threads 1
                (its machine_use: FLOPs, wall time, fraction of the limit and where the time went)
    grid-quiet  java -jar target/rehearsal.jar sweep --config docs/results/measured/grid-quiet.yaml
                --out docs/results/measured/grid-quiet --parallel 2 --threads 1
                (the literature class-IL grid's methods, one seed each, on the quiet machine: its sweep.json's
                machine_use)
    grid-proto  java -jar target/rehearsal.jar sweep --config docs/results/protocol/literature-class-proto.yaml
                --out docs/results/protocol/class-proto --threads 1
                (the machine_use of the sweep that ran proto's evaluation seeds 8-21: its sweep.json)
    grid-efficiency
                java -jar target/rehearsal.jar report --efficiency --json docs/results/protocol/class-reset
                docs/results/protocol/class-baselines-reset > docs/results/measured/grid-efficiency/efficiency.json
                (the committed grid's records: their FLOPs over their run seconds against a peak measured then)
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
MEASURED = os.path.join(HERE, "measured")
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
from readme_tables import marker_cli  # noqa: E402  (one writer of README table markers)


def load(name, path):
    with open(os.path.join(MEASURED, name, path)) as f:
        return json.load(f)


def finished(name):
    """The date the run in docs/results/measured/NAME finished, from its manifest (UTC)."""
    return load(name, ".rehearsal-manifest.json")["finished"][:10]


def machine(doc):
    m = doc["machine"]
    return "%s (%s, %d cores), OpenMP wait %s" % (m["cpu"], m["isa"], m["cores"], m.get("omp_wait", "n/a"))


def timed_phases(phases):
    """A machine_use's phases that took any time, (name with spaces, entry), the longest first."""
    return sorted(((k.replace("_", " "), v) for k, v in phases.items() if v["seconds"] > 0),
                  key=lambda kv: -kv[1]["seconds"])


def profile_gr():
    name = "profile-gr"
    doc = load(name, "profile.json")
    setting = doc["footprint"]["backend_setting"]
    with open(os.path.join(MEASURED, name, "profile.txt")) as f:
        text = f.read()
    return ("`java -jar target/rehearsal.jar profile --strategy gr --threads 2 --omp-wait passive` (add `--json` for "
            "JSON), as it printed on %s on %s, oneDNN %s running %s, %d threads (the run folder is committed in "
            "`docs/results/measured/%s/`):\n\n```text\n%s```") % (
                finished(name), machine(doc), setting["onednn"], setting["onednn_isa"], setting["threads"], name,
                text)


def mean_std(values):
    n = len(values)
    mean = sum(values) / n
    std = (sum((v - mean) ** 2 for v in values) / (n - 1)) ** 0.5 if n > 1 else None
    return mean, std


def pm(mean, std, digits):
    return ("%.*f" % (digits, mean)) if std is None else ("%.*f ± %.*f" % (digits, mean, digits, std))


def compare():
    name = "compare"
    doc = load(name, "results.json")
    rows = ["| strategy | ACC | BWT | forgetting | MS | SSS | CE | memory | training MACs | time (s) |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for s in doc["results"]:
        seconds = mean_std([r["seconds"]["total"] for r in s["runs"]])
        rows.append("| %s | %s | %s | %s | %.3f | %.3f | %.3f | %.2f MB | %.2e | %s |" % (
            s["strategy"], pm(s["acc"], s["acc_std"], 4), pm(s["bwt"], s["bwt_std"], 4),
            pm(s["forgetting"], s["forgetting_std"], 4), s["ms"], s["sss"], s["ce"], s["memory_bytes"] / 1e6,
            s["training_macs"], pm(seconds[0], seconds[1], 1)))
    seeds = sorted({r["seed"] for s in doc["results"] for r in s["runs"]})
    head = ("Measured with `java -jar target/rehearsal.jar compare --seeds %s --threads 2 --omp-wait passive` on %s "
            "on %s (the run folder is committed in `docs/results/measured/%s/`):") % (
                ",".join(str(x) for x in seeds), finished(name), machine(doc), name)
    return head + "\n\n" + "\n".join(rows)


def machine_use_er():
    name = "machine-use-er"
    doc = load(name, "results.json")
    m = doc["machine_use"]
    t = m["time"]
    phases = t["phases"]
    share = {k: 100 * v["share"] for k, v in phases.items()}
    peak = m["peak_measurement"]
    return ("- **One fresh run** on %s on %s (the run folder is committed in `docs/results/measured/%s/`): "
            "`run --preset wide --iterations 2000 --setting class --class-order random --per-class 100 --strategy "
            "er --seed 2 --threads 1`, all five tasks (it was typed with `--tasks 2`, which a split scenario ignored "
            "then and refuses now); load average %.2f when it measured its peak.\n"
            "  - It issued %.3g FLOPs in %.1f s: **%.1f%%** of its limit, %.1f GFLOP/s (oneDNN %s).\n"
            "  - Solver training took %.1f%% of the time, evaluation %.1f%% and generation %.1f%%, the rest of the "
            "run %.1f%%, and start-up, data loading and the report %.1f%%.") % (
                finished(name), machine(doc), name, peak["load_average"], m["flops"], m["seconds"],
                100 * m["fraction"], m["limit_gflops"], peak["onednn_isa"], share["solver_training"],
                share["evaluation"], share["generation"], 100 * t["other_in_runs_share"],
                100 * t["outside_runs_share"])


def grid_quiet(name="grid-quiet"):
    """The machine use of docs/results/measured/grid-quiet.yaml swept on a quiet machine into measured/NAME/."""
    doc = load(name, "sweep.json")
    m = doc["machine_use"]
    t = m["time"]
    timed = timed_phases(t["phases"])
    fractions = [v["fraction_of_peak"] for _, v in timed if v["fraction_of_peak"] is not None]
    peak = m["peak_measurement"]
    cpu = m.get("process_cpu_seconds")
    per_cpu = ("; per CPU second the process had (%s s, %.2f cores on average) it issued %.1f GFLOP, **%.1f%%** of "
               "the peak" % (format(round(cpu), ","), cpu / m["seconds"], m["flops"] / cpu / 1e9,
                             100 * m["fraction_per_cpu_second"])) if cpu else ""
    return ("- **The literature class-IL grid on the quiet machine**: one seed of each of its %d methods, two "
            "one-thread experiments at a time, nothing else running, on %s on %s: `java -jar target/rehearsal.jar "
            "sweep --config docs/results/measured/grid-quiet.yaml --out docs/results/measured/%s "
            "--parallel 2 --threads 1` (committed in `docs/results/measured/%s/`).\n"
            "  - %.3g FLOPs in %.1f s from the process's start: **%.1f%%** of the limit %.1f GFLOP/s (%d executors x "
            "%d thread x %.1f GFLOP/s, the one-thread peak per CPU second measured at start-up, load average %.2f)"
            "%s.\n"
            "  - The slots' time went to %s, the rest of the runs %.1f%%, and %.1f%% to none of them (start-up, data "
            "loading, the slot left idle while the last experiment ran, the merged report); each phase ran at "
            "%.0f-%.0f%% of the peak.") % (
                m["runs_counted"], finished(name), machine(doc), name, name, m["flops"], m["seconds"],
                100 * m["fraction"],
                m["limit_gflops"], m["executors"], m["threads"], m["peak_gflops_one_thread"], peak["load_average"],
                per_cpu, ", ".join("%s %.1f%%" % (k, 100 * v["share"]) for k, v in timed),
                100 * t["other_in_runs_share"], 100 * t["outside_runs_share"], 100 * min(fractions),
                100 * max(fractions))


def grid_efficiency():
    name = "grid-efficiency"
    doc = load(name, "efficiency.json")
    m = doc["machine_use"]
    phases = m["time"]["phases"]
    run_seconds = m["seconds"]
    timed = timed_phases(phases)
    fractions = [v["fraction_of_peak"] for _, v in timed if v["fraction_of_peak"] is not None]
    folders = " and ".join("`%s/`" % f.split("/")[-1] for f in doc["folders"])
    return ("- **The literature class-IL grid with Adam reset**: the %d finished records in %s (wide preset, one "
            "thread each), counted by `java -jar target/rehearsal.jar report --efficiency --json %s` on %s on %s "
            "(committed in `docs/results/measured/%s/`):\n"
            "  - %.3g FLOPs in %s run-seconds, %.1f GFLOP/s: **%.1f%%** of the one-thread peak it measured then "
            "(%.0f GFLOP per CPU second, load average %.1f, oneDNN %s).\n"
            "  - The run seconds went to %s; each phase ran at %.0f-%.0f%% of the peak. Generation and evaluation "
            "together took %.1f%% (the goal: under 15%%).") % (
                m["runs_counted"], folders, " ".join(doc["folders"]), doc["date"], doc["cpu"], name, m["flops"],
                format(round(run_seconds), ","), m["flops"] / run_seconds / 1e9, 100 * m["fraction"],
                m["peak_gflops_one_thread"], m["peak_measurement"]["load_average"], m["peak_measurement"]["onednn_isa"],
                ", ".join("%s %.1f%%" % (k, 100 * v["seconds"] / run_seconds) for k, v in timed),
                100 * min(fractions), 100 * max(fractions),
                100 * (phases["generation"]["seconds"] + phases["evaluation"]["seconds"]) / run_seconds)


def grid_proto():
    """The machine_use the class-IL proto sweep (docs/results/protocol/class-proto/) wrote for the runs it ran."""
    with open(os.path.join(HERE, "protocol", "class-proto", "sweep.json")) as f:
        doc = json.load(f)
    m = doc["machine_use"]
    t = m["time"]
    timed = timed_phases(t["phases"])
    peak = m["peak_measurement"]
    gen_eval = sum(t["phases"][k]["share"] for k in ("generation", "evaluation"))
    return ("- **proto's class-IL evaluation runs** (`literature-class-proto.yaml`, %d runs of seeds 8-21, one thread, "
            "one at a time; another sweep on the other core) on %s: the machine use its sweep wrote (`sweep.json` in "
            "`docs/results/protocol/class-proto/`).\n"
            "  - %.3g FLOPs in %.1f s from the process's start: **%.1f%%** of the limit %.1f GFLOP/s (the one-thread "
            "peak per CPU second measured at start-up, load average %.2f, oneDNN %s: low beside bench's 189-193, "
            "taken before the start-up peak warmed up past a cold core's first 0.3-0.4 s, so the fraction is high by as much); per CPU second the process had, **%.1f%%**.\n"
            "  - The slots' time went to %s; generation and evaluation together %.1f%% (the goal: under 15%%), "
            "almost all of the generation being the warp of each replayed prototype.") % (
                m["runs_counted"], machine(doc), m["flops"], m["seconds"], 100 * m["fraction"], m["limit_gflops"],
                peak["load_average"], peak["onednn_isa"], 100 * m["fraction_per_cpu_second"],
                ", ".join("%s %.1f%% (at %.0f%% of the peak)" % (k, 100 * v["share"], 100 * v["fraction_of_peak"])
                          for k, v in timed if v["fraction_of_peak"] is not None),
                100 * gen_eval)


BLOCKS = {"grid-proto": grid_proto, "grid-quiet": grid_quiet, "grid-quiet-zen5": lambda: grid_quiet("grid-quiet-zen5"), "grid-efficiency": grid_efficiency, "profile-gr": profile_gr, "compare": compare, "machine-use-er": machine_use_er}


def main(argv):
    return marker_cli(argv, BLOCKS, "measured", "docs/results/measured_figures.py", "measured figures",
                      "docs/results/measured/")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
