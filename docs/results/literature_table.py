#!/usr/bin/env python3
"""The README's table of every method on the literature protocol before the evaluation protocol (one fixed class
order, seeds 1-3), generated from committed result files.

  python3 docs/results/literature_table.py collect RESULTS_DIR...   # add/replace runs from compare folders
                                                                    # (seeds of the same protocol are merged)
  python3 docs/results/literature_table.py                          # print the Markdown table
  python3 docs/results/literature_table.py --write README.md        # replace the <!-- literature:fixed-order -->
  python3 docs/results/literature_table.py --check README.md        # block; exit 1 when the README differs

`collect` reads each folder's results.json (written by `rehearsal compare`, schema_version 4: see
src/main/resources/dev/rehearsal/results.schema.json), and keeps per (setting, strategy) the ACC of every
seed, the command options that matter (under their command-line names) and the wall time, in
docs/results/literature.json (small, committed). The table prints mean ± sample std over seeds. It sets no
published figure beside these rows: the figures (src/main/resources/dev/rehearsal/report/published.json) are means
over seeds that each reassign classes to tasks, with Adam kept and, in class-IL, all ten units active, and these
runs had one fixed order, Adam reset and a growing head; docs/results/protocol_table.py sets them beside the
protocol's runs, where the protocol matches.
"""
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "benchmarks"))
from readme_tables import marker_cli  # noqa: E402  (one writer of README table markers)
MEASURED = os.path.join(HERE, "literature.json")
ORDER = ["naive", "joint", "ewc", "si", "lwf", "agem", "er", "icarl", "derpp", "gr", "cgr", "bir"]
SETTINGS = ["class", "task", "domain"]
# Options of the protocol kept with each entry, so the table says what was run.
# Options of a strategy whose keys do not start with its id.
STRATEGY_OPTIONS = {"bir": ["gate-proportion", "si", "si-c", "si-epsilon", "temperature"],
                    "cgr": ["replay-targets", "temperature"]}
KEPT = ["preset", "iterations", "vae-iterations", "batch", "lr", "per-class", "selection", "setting", "scenario"]


def load(path, default):
    if not os.path.exists(path):
        return default
    with open(path) as f:
        return json.load(f)


SCHEMA_VERSION = 4


def command_line_config(config):
    """A results file's config (snake_case keys) under the command-line option names (train_limit: train-limit)."""
    return {k.replace("_", "-"): v for k, v in config.items()}


def collect(folders):
    measured = load(MEASURED, {"entries": []})
    entries = {(e["setting"], e["strategy"], e.get("variant", "")): e for e in measured["entries"]}
    for folder in folders:
        path = os.path.join(folder, "results.json")
        with open(path) as f:
            results = json.load(f)
        if results.get("schema_version") != SCHEMA_VERSION:
            sys.exit("literature_table.py: %s has schema_version %s, this script reads %d: rerun the compare with "
                     "this version of Rehearsal" % (path, results.get("schema_version"), SCHEMA_VERSION))
        for r in results["results"]:
            config = command_line_config(r.get("config", results["config"]))
            runs = [run for run in r["runs"] if run.get("complete")]
            if not runs:
                continue
            options = {k: config.get(k) for k in KEPT if k in config}
            variant = ""
            if r["strategy"] == "er" and config.get("selection", "random") != "random":
                variant = config["selection"]
            if r["strategy"] == "bir" and config.get("si"):
                variant = "si, c=%g" % config.get("si-c")
            if r["strategy"] == "cgr" and config.get("replay-targets") == "soft":
                variant = "soft targets"
            extra = {k: v for k, v in config.items() if k.startswith(r["strategy"] + "-")
                     or k in STRATEGY_OPTIONS.get(r["strategy"], [])}
            options.update(extra)
            key = (config["setting"], r["strategy"], variant)
            entry = {
                "setting": config["setting"],
                "strategy": r["strategy"],
                "variant": variant,
                "seeds": [run["seed"] for run in runs],
                "acc": [run["acc"] for run in runs],
                "seconds": [run["seconds"]["total"] for run in runs],
                "options": options,
            }
            before = entries.get(key)
            if before is not None and before["options"] == options:
                # The same protocol run for other seeds (at another time): keep both, the new run's seeds win.
                kept = [i for i, seed in enumerate(before["seeds"]) if seed not in entry["seeds"]]
                for field in ("seeds", "acc", "seconds"):
                    entry[field] = [before[field][i] for i in kept] + entry[field]
                order = sorted(range(len(entry["seeds"])), key=lambda i: entry["seeds"][i])
                for field in ("seeds", "acc", "seconds"):
                    entry[field] = [entry[field][i] for i in order]
            entries[key] = entry
    out = {"about": "ACC per seed on the literature protocol, collected from compare results by "
                    "docs/results/literature_table.py", "entries": sorted(
        entries.values(), key=lambda e: (SETTINGS.index(e["setting"]) if e["setting"] in SETTINGS else 9,
                                         ORDER.index(e["strategy"]) if e["strategy"] in ORDER else 99,
                                         e["variant"]))}
    with open(MEASURED, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


def mean_std(xs):
    m = sum(xs) / len(xs)
    if len(xs) < 2:
        return m, None
    return m, math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1))


def table():
    measured = load(MEASURED, {"entries": []})["entries"]
    lines = ["| setting | method | ACC, Rehearsal (mean ± std, seeds) |", "|---|---|---|"]
    for e in measured:
        m, s = mean_std(e["acc"])
        name = e["strategy"] + (" (" + e["variant"] + ")" if e["variant"] else "")
        ours = "%.3f" % m + (" ± %.3f" % s if s is not None else "") + " (%s)" % ",".join(str(x) for x in e["seeds"])
        lines.append("| %s | %s | %s |" % (e["setting"], name, ours))
    return "\n".join(lines)


def main(argv):
    if len(argv) > 2 and argv[1] == "collect":
        collect(argv[2:])
        return 0
    if len(argv) == 2 and argv[1] == "table":
        print(table())
        return 0
    return marker_cli(argv, {"fixed-order": table}, "literature", "docs/results/literature_table.py",
                      "fixed-order literature table", "docs/results/literature.json")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
