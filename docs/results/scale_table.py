#!/usr/bin/env python3
"""The README's scaling study (the reference report's Problem 2), generated from the committed sweep folder.

    python3 docs/results/scale_table.py                    print the block
    python3 docs/results/scale_table.py --write README.md  replace it between its markers
    python3 docs/results/scale_table.py --check README.md  exit 1 if README.md differs from the folder

The block sits between <!-- scale:permuted:begin --> and <!-- scale:permuted:end --> in README.md. Its input is
docs/results/scale/scale.json, written by `rehearsal sweep` (a grid with `report: scale`) when it merged the
folder's runs: per strategy and number of tasks the final ACC's mean and standard error over seeds, the average
forgetting and the exact costs (means over seeds), each cost's log-log fit and the crossings of two strategies'
fitted cost lines, with their paired ACC test, all computed by Rehearsal (dev.rehearsal.profile.ScaleStudy). This
script lays them out as strategy x T tables; it computes nothing but the units.
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
# The study's folder, or REHEARSAL_SCALE_DIR (a test formats a folder of its own).
FOLDER = os.environ.get("REHEARSAL_SCALE_DIR") or os.path.join(HERE, "scale")
SCHEMA_VERSION = 4
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
from readme_tables import fixed, marker_cli, not_merged  # noqa: E402  (one writer of README table markers)

QUANTITIES = [("replay_memory_bytes", "replay memory"), ("training_macs", "training MACs"),
              ("evaluation_macs", "evaluation MACs"), ("seconds", "wall time")]


def load(name):
    with open(os.path.join(FOLDER, name)) as f:
        d = json.load(f)
    if name.endswith("scale.json") and d.get("schema_version") != SCHEMA_VERSION:
        sys.exit("scale_table.py: %s has schema_version %s, this script reads %d"
                 % (name, d.get("schema_version"), SCHEMA_VERSION))
    return d


def short(scale):
    """Each strategy's label as a table row names it: its first word (the strategy) when no other label shares it,
    else the whole label; the options a short name leaves out are listed once under the tables (options())."""
    firsts = [s.split()[0] for s in scale["strategies"]]
    return {s: f if firsts.count(f) == 1 else s for s, f in zip(scale["strategies"], firsts)}


def options(scale):
    names = short(scale)
    left = ["%s: %s" % (names[s], s[len(names[s]):].strip()) for s in scale["strategies"] if names[s] != s]
    return ("Options beside the grid's (each row's label in the records): " + "; ".join(left) + ".") if left else ""


def pivot(scale, cell):
    """A strategy x T table: one row per strategy (the study's order), one column per task count."""
    tasks = scale["tasks"]
    names = short(scale)
    by = {(m["strategy"], m["tasks"]): m for m in scale["measurements"]}
    out = ["| strategy | " + " | ".join("T = %d" % t for t in tasks) + " |",
           "|---|" + "---|" * len(tasks)]
    for s in scale["strategies"]:
        cells = [cell(by[(s, t)]) if (s, t) in by else "not run yet" for t in tasks]
        out.append("| %s | %s |" % (names[s], " | ".join(cells)))
    return "\n".join(out)


def acc_cell(seeds):
    def cell(m):
        sem = m.get("acc_sem")
        text = fixed(m["acc"], 4) + (" ± " + fixed(sem, 4) if sem is not None else "")
        return text + ("" if m["seeds"] == seeds else " (%d seed%s)" % (m["seeds"], "" if m["seeds"] == 1 else "s"))
    return cell


def four_cell(key):
    """A value that may be missing (null in scale.json), with 4 decimals."""
    return lambda m: "n/a" if m.get(key) is None else fixed(m[key], 4)


def bytes_cell(m):
    return "{:,}".format(m["replay_memory_bytes"])


def macs_cell(key):
    return lambda m: "%.3g" % m[key]


def seconds_cell(m):
    return fixed(m["seconds"], 0)


def fits_table(scale):
    slope = {(f["strategy"], f["quantity"]): f for f in scale["fits"]}
    names = short(scale)
    out = ["| strategy | " + " | ".join(t for _, t in QUANTITIES) + " |", "|---|" + "---|" * len(QUANTITIES)]
    for s in scale["strategies"]:
        cells = []
        for q, _ in QUANTITIES:
            f = slope.get((s, q))
            cells.append("n/a" if f is None else "%s (%s)" % (fixed(f["slope"], 2), f["growth"]))
        out.append("| %s | %s |" % (names[s], " | ".join(cells)))
    return "\n".join(out)


def crossovers(scale):
    titles = dict(QUANTITIES, memory_bytes="memory")
    names = short(scale)
    lines = []
    for c in scale["crossovers"]:
        c = dict(c, a=names.get(c["a"], c["a"]), b=names.get(c["b"], c["b"]),
                 cheaper_below=names.get(c["cheaper_below"], c["cheaper_below"]))
        cheaper = c["cheaper_below"]
        other = c["b"] if cheaper == c["a"] else c["a"]
        verdict = c.get("sentence", "no paired test (fewer than two shared seeds)")
        lines.append("- %s: %s's and %s's fitted lines cross at T = %s; below it %s costs less, above it %s. At "
                     "T = %d, the nearest measured, ACC %s %s against %s %s; %s." % (
                         titles.get(c["quantity"], c["quantity"]), c["a"], c["b"], fixed(c["at_tasks"], 1), cheaper,
                         other, c["nearest_tasks"], c["a"], fixed(c["a_acc"], 4), c["b"], fixed(c["b_acc"], 4),
                         verdict))
    if not lines:
        return ("No two methods' fitted lines of replay memory, training MACs or evaluation MACs cross inside the "
                "measured range of T.")
    return "\n".join(lines)


def permuted():
    path = os.path.join(FOLDER, "scale.json")
    if not os.path.exists(path):
        return not_merged("scaling study", "no docs/results/scale/scale.json")
    scale = load("scale.json")
    manifest = load(".rehearsal-manifest.json")
    dates = manifest["started"][:10]
    end = manifest.get("finished", manifest.get("resumed", manifest["started"]))[:10]
    if end != dates:
        dates += " to " + end
    m = scale["machine"]
    seeds = load("grid.json")["grid"]["seed"]
    done = scale["runs"]
    total = done + scale["runs_not_finished"]
    head = ("%d of the study's %d runs (%s; merged on %s, %d cores, one thread an experiment; each run's record "
            "holds the machine it ran on), from `docs/results/scale/scale.json`%s.") % (
                done, total, dates, m["cpu"], m["cores"],
                "" if done == total else "; the rest are not finished, and a cell without all %d seeds says how many "
                "it has" % len(seeds))
    parts = [head,
             "**Final ACC** (mean ± SEM over seeds %s; every task the ten digits under its own permutation):"
             % ", ".join(str(x) for x in seeds),
             pivot(scale, acc_cell(len(seeds))),
             "**Average forgetting** (mean over seeds of each task's best accuracy minus its final one):",
             pivot(scale, four_cell("forgetting")),
             "**Least learned**: the lowest accuracy any task had right after it was learned, over every seed (the "
             "smallest diagonal entry of the runs' accuracy matrices), which shows whether 500 iterations a task are "
             "enough for each task to be learned:",
             pivot(scale, four_cell("least_learned")),
             "**Replay memory**, exact bytes (the largest over the tasks: stored images for er and proto's "
             "prototypes, the generative models and their frozen copies for gr and bir, the anchor and importance for si):",
             pivot(scale, bytes_cell),
             "**Training MACs** (solver and generator training, replay generation, consolidation; as the GEMMs "
             "issued them):",
             pivot(scale, macs_cell("training_macs")),
             "**Evaluation MACs** (every task tested after every task, 1,000 test images each):",
             pivot(scale, macs_cell("evaluation_macs")),
             "**Wall seconds** (one thread; two experiments at a time on the two cores):",
             pivot(scale, seconds_cell),
             "**Fitted growth**: the slope of each cost against T in log-log space (least squares over the means; "
             "about 0 constant, 1 linear, 2 quadratic):",
             fits_table(scale),
             "**Crossovers** of two methods' fitted cost lines inside the measured range, with the paired ACC test "
             "at the measured T nearest to each (Holm-corrected over the crossings):",
             crossovers(scale), options(scale)]
    return "\n\n".join(p for p in parts if p)


BLOCKS = {"permuted": permuted}


def main(argv):
    return marker_cli(argv, BLOCKS, "scale", "docs/results/scale_table.py", "scaling study", "docs/results/scale/")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
