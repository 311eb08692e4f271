#!/usr/bin/env python3
"""The README's frontier table, generated from the committed frontier.json that `rehearsal sweep` wrote.

    python3 docs/results/frontier_table.py [docs/results/frontier/frontier.json]

Prints, per replay budget, every strategy measured there: the replay memory it kept after the last task
(exact bytes, mean over seeds), ACC (mean ± sample std over seeds), training MACs, and whether the point is
on the Pareto front in memory; then the strategies that do not fit, and the answer paragraph.
"""
import json
import sys


def size(n):
    if n >= 999_500:
        return f"{n / 1e6:.3g} MB"
    if n >= 999:
        return f"{n / 1e3:.3g} kB"
    return f"{n:.0f} B"


def main(path):
    with open(path) as f:
        root = json.load(f)
    points = sorted(root["points"], key=lambda p: (p["replay_budget_bytes"], -p["acc_mean"]))
    print("| budget | strategy | replay memory | ACC (mean ± std) | seeds | training MACs | Pareto (memory) |")
    print("|---|---|---|---|---|---|---|")
    for p in points:
        acc = f"{p['acc_mean']:.4f}"
        if p["acc_std"] is not None:
            acc += f" ± {p['acc_std']:.4f}"
        if p["pareto_memory"]:
            acc = f"**{acc}**"
        print(f"| {size(p['replay_budget_bytes'])} | {p['strategy']} | {size(p['replay_bytes'])} | {acc} | "
              f"{p['seeds']} | {p['training_macs']:.3g} | {'yes' if p['pareto_memory'] else ''} |")
    if root["does_not_fit"]:
        print()
        print("Does not fit: " + "; ".join(sorted(set(root["does_not_fit"]))))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/results/frontier/frontier.json")
