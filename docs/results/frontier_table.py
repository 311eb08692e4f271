#!/usr/bin/env python3
"""The README's frontier tables, generated from the committed frontier.json files that `rehearsal sweep` wrote.

    python3 docs/results/frontier_table.py                      print every block
    python3 docs/results/frontier_table.py FILE                 print the table of one frontier.json
    python3 docs/results/frontier_table.py --write README.md    replace each <!-- frontier:NAME:begin/end --> block
    python3 docs/results/frontier_table.py --check README.md    exit 1 when the README differs from the files

Per replay budget, every strategy measured there: the replay memory it kept after the last task (exact bytes,
mean over seeds), ACC as mean ± SEM (sample standard deviation / sqrt(n)) over its n seeds, training MACs, and
whether the point is on the Pareto front in memory; then, per budget, the best mean against the runner-up, paired
by seed and class order and Holm-corrected over the budgets, as the sweep computed it (frontier.json's
best_per_budget); then the strategies that do not fit.
"""
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "benchmarks"))
from readme_tables import TOO_FEW_NOTE, marker_cli, not_merged, p_value, verdict  # noqa: E402  (one writer of README table markers)

BLOCKS = {"protocol": os.path.join(HERE, "protocol", "frontier", "frontier.json"),
          "domain": os.path.join(HERE, "protocol", "frontier-domain", "frontier.json")}


def size(n):
    if n >= 999_500:
        return f"{n / 1e6:.3g} MB"
    if n >= 999:
        return f"{n / 1e3:.3g} kB"
    return f"{n:.0f} B"



def sem(p):
    """The point's SEM: frontier.json's acc_sem, else its sample std over sqrt(seeds); None for one seed."""
    if p.get("acc_sem") is not None:
        return p["acc_sem"]
    if p.get("acc_std") is None or p["seeds"] < 2:
        return None
    return p["acc_std"] / math.sqrt(p["seeds"])


def table(path):
    with open(path) as f:
        root = json.load(f)
    # Files written before results carried a kind (docs/results/frontier/) have none.
    if root.get("kind", "frontier") != "frontier" or not isinstance(root.get("points"), list):
        sys.exit("frontier_table.py: %s is not a frontier.json (kind %r, no list 'points')" % (path, root.get("kind")))
    lines = []
    if root.get("short"):
        lines += ["**A short run: " + "; ".join(root.get("short_reasons", [])) + ".**", ""]
    points = sorted(root["points"], key=lambda p: (p["replay_budget_bytes"], -p["acc_mean"]))
    lines += ["| budget | strategy | replay memory | ACC, mean ± SEM | n | training MACs | Pareto (memory) |",
              "|---|---|---|---|---|---|---|"]
    for p in points:
        s = sem(p)
        acc = f"{p['acc_mean']:.4f}" + ("" if s is None else f" ± {s:.4f}")
        if p["pareto_memory"]:
            acc = f"**{acc}**"
        lines.append(f"| {size(p['replay_budget_bytes'])} | {p['strategy']} | {size(p['replay_bytes'])} | {acc} | "
                     f"{p['seeds']} | {p['training_macs']:.3g} | {'yes' if p['pareto_memory'] else ''} |")
    tested = [b for b in root.get("best_per_budget", []) if "runner_up" in b]
    if tested:
        lines += ["", "The best mean at each budget against the runner-up (paired by seed and class order; Holm over "
                  "the %d budgets; \"better\" only where both corrected tests are below 0.05; %s):" % (len(tested), TOO_FEW_NOTE), "",
                  "| budget | best | runner-up | n | mean difference | paired t p (Holm) | Wilcoxon p (Holm) | verdict |",
                  "|---|---|---|---|---|---|---|---|"]
        for b in tested:
            said = verdict(b, path)
            lines.append(f"| {size(b['replay_budget_bytes'])} | {b['strategy']} | {b['runner_up']} | "
                         f"{b['paired_seeds']} | {b['mean_difference']:+.4f} | {p_value(b['p_t_holm'])} | "
                         f"{p_value(b['p_wilcoxon_holm'])} | {said} |")
    untested = [b for b in root.get("best_per_budget", []) if "runner_up" not in b]
    if untested:
        lines += ["", "Not tested (no runner-up on the same seeds): " + ", ".join(
            f"{b['strategy']} at {size(b['replay_budget_bytes'])}" for b in untested) + "."]
    if root["does_not_fit"]:
        lines += ["", "Does not fit: " + "; ".join(sorted(set(root["does_not_fit"])))]
    return "\n".join(lines)


def main(argv):
    if len(argv) == 2 and not argv[1].startswith("--"):
        print(table(argv[1]))
        return 0
    blocks = {name: (lambda path=path: table(path) if os.path.exists(path) else not_merged(
                     "frontier", "%s does not exist" % os.path.relpath(path, os.path.join(HERE, "..", ".."))))
              for name, path in BLOCKS.items()}
    return marker_cli(argv, blocks, "frontier", "docs/results/frontier_table.py", "frontier tables",
                      "docs/results/protocol/frontier/ and docs/results/protocol/frontier-domain/")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
