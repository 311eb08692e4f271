#!/usr/bin/env python3
"""The README's tables measured under the field's evaluation protocol, generated from committed sweep folders.

    python3 docs/results/protocol_table.py                    print every table
    python3 docs/results/protocol_table.py --write README.md  replace each table between its markers
    python3 docs/results/protocol_table.py --check README.md  exit 1 if README.md differs from the folders

A table sits between <!-- protocol:NAME:begin --> and <!-- protocol:NAME:end --> in README.md. Its inputs are
the committed sweep folders named in FOLDERS (docs/results/protocol/NAME/), written by `rehearsal sweep`: each
grid point's n, mean, standard error of the mean and 95% t interval come from the folder's results.json, and the
paired comparisons (paired t-test and exact Wilcoxon signed-rank test, Holm-corrected over the table) from its
comparisons, both computed by Rehearsal's one statistics module (dev.rehearsal.stats); this script formats
them. Published figures come from src/main/resources/dev/rehearsal/report/published.json (shipped in the jar); the
one figure computed here is a row's distance from its published figure in combined standard errors
(against_published: the formula of dev.rehearsal.stats.AgainstPublished, which the report uses, checked on the
same hand values by ReadmeTablesTest as that class by StatsTest).
"""

import csv
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
PUBLISHED = os.path.join(ROOT, "src", "main", "resources", "dev", "rehearsal", "report", "published.json")
# The sweep folders' parent: docs/results/protocol/, or REHEARSAL_PROTOCOL_DIR (tests format folders of their own).
PROTOCOL = os.environ.get("REHEARSAL_PROTOCOL_DIR") or os.path.join(HERE, "protocol")
FOLDERS = {name: os.path.join(PROTOCOL, name)
           for name in ("class", "class-baselines", "class-grow", "class-baselines-grow", "class-variants", "task",
                        "domain", "permuted", "proto", "class-proto", "class-bf16",
                        "class-reset", "class-baselines-reset", "task-reset", "joint-at-once", "reference-orders",
                        "domain-reference-orders",
                        "head", "proto-domain")}
# Seeds behind a table's published figures: published.json's "seeds" (20 for Split-MNIST, compare.py --n-seeds=20),
# but 5 for Permuted-MNIST (GMvandeVen/continual-learning, all_results.sh: compare.py --seed=2 --n-seeds=5
# --experiment=permMNIST).
PUBLISHED_SEEDS = {"permuted": 5}
SCHEMA_VERSION = 4
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
from readme_tables import TOO_FEW_NOTE, fixed, marker_cli, not_merged, p_value, verdict  # noqa: E402  (one writer of README table markers)


def load(path):
    with open(path) as f:
        d = json.load(f)
    if d.get("schema_version") != SCHEMA_VERSION:
        sys.exit("protocol_table.py: %s has schema_version %s, this script reads %d"
                 % (path, d.get("schema_version"), SCHEMA_VERSION))
    return d


def cmdline(config):
    """A results file's config (snake_case keys) under the command-line names."""
    return {k.replace("_", "-"): v for k, v in config.items()}


def meets(have, expected):
    """A config value against a published protocol's: equal (None meets 0, an 'all' limit), or one of a list."""
    if isinstance(expected, list):
        return any(meets(have, one) for one in expected)
    return have == expected or (expected == 0 and have is None)


def published_for(setting, strategy, config, published):
    """The published value for a strategy whose protocol and requirements the run's config meets, or None."""
    for p in published["values"]:
        if p["setting"] != setting or p["strategy"] != strategy:
            continue
        ok = all(meets(config.get(k), v)
                 for k, v in list(published["protocol"].items()) + list(p.get("requires", {}).items()))
        if ok:
            return dict(p, seeds=p.get("seeds", published.get("seeds")))
    return None


def t_central(t, df):
    """P(|T| <= t) for Student's t with an integer df, in closed form (Abramowitz and Stegun 26.7.3-4), as
    dev.rehearsal.stats.StudentT computes it."""
    theta = math.atan(abs(t) / math.sqrt(df))
    c2, s, c = math.cos(theta) ** 2, math.sin(theta), math.cos(theta)
    term = 1.0
    if df % 2:
        total = 1.0 if df > 1 else 0.0
        for k in range(1, (df - 3) // 2 + 1):
            term *= (2.0 * k) / (2.0 * k + 1) * c2
            total += term
        return min(1.0, 2 / math.pi * (theta + s * c * total))
    total = 1.0
    for k in range(1, (df - 2) // 2 + 1):
        term *= (2.0 * k - 1) / (2.0 * k) * c2
        total += term
    return min(1.0, s * total)


def t_quantile_975(df):
    """The two-sided 5% quantile of Student's t at df degrees of freedom (bisection, as StudentT.centralQuantile)."""
    lo, hi = 0.0, 1.0
    while t_central(hi, df) < 0.95:
        hi *= 2
    for _ in range(200):
        if hi - lo <= 1e-13 * hi:
            break
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if t_central(mid, df) < 0.95 else (lo, mid)
    return (lo + hi) / 2


def against_published(r, p):
    """Our mean against a published one as Welch's test reads them (dev.rehearsal.stats.AgainstPublished): the
    difference, in combined standard errors, and whether it is beyond the two-sided 5% Student-t quantile at the
    Welch-Satterthwaite degrees of freedom (rounded down; a reading uncertainty is known exactly)."""
    sem, n = r.get("acc_sem"), r.get("n") or 0
    if r.get("acc") is None:
        return ""
    known = lambda x: x is not None and x > 0  # noqa: E731
    ours = sem * sem if known(sem) and n >= 2 else 0.0
    seeds = p.get("seeds") or 0
    theirs = p["std"] ** 2 if known(p.get("std")) and seeds >= 2 else 0.0
    read = p["reading"] ** 2 if known(p.get("reading")) else 0.0
    variance = ours + theirs + read
    diff = r["acc"] - p["acc"]
    if not variance > 0:
        return "%+.4f" % diff
    denominator = (ours * ours / (n - 1) if ours else 0.0) + (theirs * theirs / (seeds - 1) if theirs else 0.0)
    df = variance * variance / denominator if denominator > 0 else float("inf")
    threshold = 1.959963984540054 if df >= 100000 else t_quantile_975(int(math.floor(df)))
    z = abs(diff) / math.sqrt(variance)
    # Beyond, not at it: a distance equal to the threshold in decimal figures is within, whatever binary rounding does.
    beyond = z > threshold + 1e-9
    return "%+.4f (%s SE; limit %s): %s" % (diff, fixed(z, 2), fixed(threshold, 2),
                                            "**misses**" if beyond else "within")


def fmt(x, digits=4):
    return "n/a" if x is None else fixed(x, digits)



def results_table(name):
    folder = FOLDERS[name]
    results = load(os.path.join(folder, "results.json"))
    published = json.load(open(PUBLISHED))
    base = cmdline(results["config"])
    missing = {}
    for e in results.get("not_run", []):
        missing[e["strategy"]] = missing.get(e["strategy"], 0) + len(e["seeds"])
    lines = ["| method | n | ACC, mean ± SEM | 95%% CI | published (mean ± SEM, %d seeds) | ours - published "
             "(combined SE) | source |" % PUBLISHED_SEEDS.get(name, published["seeds"]),
             "|---|---|---|---|---|---|---|"]
    against = 0
    for r in results["results"]:
        config = cmdline(r.get("config", results["config"]))
        strategy = r["runs"][0]["strategy"] if r["runs"] else r["strategy"]
        strategy = config.get("strategy", strategy)
        complete = all(run.get("complete") for run in r["runs"])
        name = r["strategy"].split(" (incomplete")[0]
        label = name + ("" if complete else " (a run stopped early)")
        if missing.get(name):
            label += " (%d of %d seeds so far)" % (r["n"], r["n"] + missing[name])
        # A run stopped early is not set beside a published figure; a row with seeds still to run is (n says so).
        p = None if not complete else published_for(config.get("setting", base.get("setting")), strategy, config,
                                                    published)
        theirs = "" if p is None else fmt(p["acc"]) + ("" if p.get("std") is None else " ± " + fmt(p["std"]))
        ci = "n/a" if r.get("acc_ci95") is None else "[%s, %s]" % (fmt(r["acc"] - r["acc_ci95"]),
                                                                   fmt(r["acc"] + r["acc_ci95"]))
        gap = "" if p is None else against_published(r, p)
        against += bool(gap)
        lines.append("| %s | %d | %s ± %s | %s | %s | %s | %s |" % (label, r["n"], fmt(r["acc"]), fmt(r.get("acc_sem")),
                                                               ci, theirs, gap, "" if p is None else p["source"]))
    if against:
        lines += ["", "ours - published: the difference of the means, and in units of their combined standard error "
                  "(our SEM, the published SEM where the source gives one, and for a figure read off a plot its "
                  "reading uncertainty, in quadrature), against the two-sided 5% quantile of Student's t at the "
                  "Welch-Satterthwaite degrees of freedom (each SEM brings its n - 1, a reading none; about 2 at "
                  "20 seeds against 20, more at fewer): *misses* where beyond it, as Welch's test rejects, *within* "
                  "otherwise. Where the source gives no spread, only ours counts, and the row can look further off "
                  "than it is."]
    comparisons = results.get("comparisons", [])
    if comparisons:
        lines += ["", "Paired comparisons (same seeds, same class orders; Holm over the %d comparisons of this table; "
                  "\"better\" only where both corrected tests are below 0.05; %s):" % (len(comparisons), TOO_FEW_NOTE), "",
                  "| A | B | n | mean A - B | paired t p (Holm) | Wilcoxon p (Holm) | verdict |",
                  "|---|---|---|---|---|---|---|"]
        for c in comparisons:
            lines.append("| %s | %s | %d | %+.4f | %s | %s | %s |" % (
                c["a"], c["b"], c["n"], c["mean_difference"], p_value(c["p_t_holm"]), p_value(c["p_wilcoxon_holm"]),
                verdict(c, os.path.join(folder, "results.json"))))
    return "\n".join(lines)


def selection_table(name):
    folder = FOLDERS[name]
    rows = list(csv.DictReader(open(os.path.join(folder, "selection.csv"))))
    seen = {}
    for r in rows:
        seen.setdefault(r["candidate"], r)
    lines = ["| candidate | validation ACC, mean over the selection seeds | n | chosen |", "|---|---|---|---|"]

    def order(kv):
        mean = kv[1]["candidate_mean"]
        return (0, -float(mean)) if mean else (1, 0.0)

    for cand, r in sorted(seen.items(), key=order):
        if r["status"] == "only candidate":  # lone: evaluate, chosen without running on the selection seeds
            score = "the only candidate: not run on the selection seeds"
        elif r["candidate_mean"]:
            score = fmt(float(r["candidate_mean"]))
        elif r["status"] in ("not_run_yet", "missing"):  # its group's choice waits for it (Selection.choose)
            score = "not run yet: the choice waits for it"
        else:
            score = "excluded: " + r["status"].replace("_", " ")
        lines.append("| %s | %s | %s | %s |" % (cand, score, r["candidate_n"] or "0",
                                               "**chosen**" if r["chosen"] == "true" else ""))
    return "\n".join(lines) + "\n\nEvaluated on new seeds:\n\n" + results_table(name)


# The reference implementation's own runs (benchmarks/reference/reference_runs.py), one file per method and setting,
# and the protocol folder whose row they check.
REFERENCE_RUNS = os.path.join(ROOT, "benchmarks", "results")
REFERENCE_ROWS = {("genc", "class"): "class", ("lwf", "class"): "class-baselines", ("bir", "class"): "class"}


def reference_table(_name):
    """Each method the reference implementation was run for: its mean ± SEM on this machine beside Rehearsal's row
    (same setting, Adam kept) and the published figure."""
    published = json.load(open(PUBLISHED))
    runs = reference_runs()
    if not runs:
        return not_merged("check", "benchmarks/results/ has no reference-*.json")
    lines = ["| method | setting | reference implementation, this machine (mean ± SEM, n) | Rehearsal (mean ± SEM, n) "
             "| published | reference run |", "|---|---|---|---|---|---|"]
    for f, ref in runs:
        key = (ref["method"], ref["setting"])
        ours = ""
        if key in REFERENCE_ROWS and os.path.exists(os.path.join(FOLDERS[REFERENCE_ROWS[key]], "results.json")):
            # The method's one row in that folder, whatever options its label names (genc head=grow, ...).
            rows = [r for r in load(os.path.join(FOLDERS[REFERENCE_ROWS[key]], "results.json"))["results"]
                    if r["strategy"].split(" ")[0] == ref["method"]]
            if len(rows) == 1:
                ours = "%s ± %s (%d)" % (fmt(rows[0]["acc"]), fmt(rows[0].get("acc_sem")), rows[0]["n"])
        theirs = next((p for p in published["values"] if p["setting"] == ref["setting"]
                       and p["strategy"] == ref["method"]), None)
        a = ref["acc"]
        lines.append("| %s | %s | %s ± %s (%d) | %s | %s | `%s`, %s, PyTorch %s, %s |" % (
            ref["method"], ref["setting"], fmt(a["mean"]), fmt(a["sem"]), a["n"], ours,
            "" if theirs is None else fmt(theirs["acc"]) + ("" if theirs.get("std") is None else " ± " + fmt(theirs["std"])),
            "benchmarks/results/" + f, ref["reference_commit"][:7], ref["torch"], ref["date"]))
    return "\n".join(lines)


def reference_runs():
    """The reference implementation's run files (benchmarks/results/reference-*.json), in name order."""
    files = sorted(f for f in os.listdir(REFERENCE_RUNS) if f.startswith("reference-") and f.endswith(".json"))
    return [(f, json.load(open(os.path.join(REFERENCE_RUNS, f)))) for f in files]


def reference_orders_table(name):
    """Seed by seed on the same class order: the reference implementation's run (benchmarks/results/reference-*.json)
    beside Rehearsal's run of the same seed with class-order reference (the folder's results.json, every run)."""
    ours = {}
    for row in load(os.path.join(FOLDERS[name], "results.json"))["results"]:
        per_task = row["config"]["classes_per_task"]
        for r in row["runs"]:
            if r["complete"]:
                ours[(row["strategy"].split(" ")[0], r["seed"])] = (r, per_task)
    lines = ["| method | seed | tasks (digits), both | reference implementation | Rehearsal | Rehearsal - reference |",
             "|---|---|---|---|---|---|"]
    for _, ref in reference_runs():
        diffs = []
        for run in sorted(ref["runs"], key=lambda r: r["seed"]):
            if (ref["method"], run["seed"]) not in ours:
                continue
            r, k = ours[(ref["method"], run["seed"])]
            order = r["class_order"]
            tasks = " ".join("{%s}" % ",".join(str(d) for d in order[i:i + k]) for i in range(0, len(order), k))
            diffs.append(r["acc"] - run["acc"])
            lines.append("| %s | %d | %s | %s | %s | %+.4f |" % (ref["method"], run["seed"], tasks, fmt(run["acc"]),
                                                           fmt(r["acc"]), diffs[-1]))
        if diffs:
            lines.append("| %s | mean of %d | | | | %+.4f |" % (ref["method"], len(diffs), sum(diffs) / len(diffs)))
    return "\n".join(lines)


TABLES = {name: results_table for name in FOLDERS}
TABLES["reference"] = reference_table
TABLES["reference-orders"] = reference_orders_table
TABLES["proto"] = TABLES["proto-domain"] = TABLES["permuted"] = TABLES["class-proto"] = selection_table


def block(name):
    """A table's block: its table, or a line saying that no experiment of its grid has finished yet."""
    if name in FOLDERS and not os.path.exists(os.path.join(FOLDERS[name], "results.json")):
        return not_merged("grid", "docs/results/protocol/%s/ has no results.json" % name)
    return TABLES[name](name)


def main(argv):
    blocks = {name: (lambda name=name: block(name)) for name in TABLES}
    return marker_cli(argv, blocks, "protocol", "docs/results/protocol_table.py", "protocol tables",
                      "docs/results/protocol/")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
