#!/usr/bin/env bash
# Rehearsal's `run --strategy gr` and generative_replay.py (its PyTorch re-implementation) with the same
# protocol and seeds, one after the other, and one table of wall time and ACC.
#
# Usage: benchmarks/pytorch/side_by_side.sh [--preset seed|wide] [--seeds "1 2 3"] [--threads N]
#            [--iterations N] [--vae-iterations N] [--json-out FILE]
#
#   --preset          models of both tools (default seed); the literature protocol is
#                     --preset wide --iterations 2000 --vae-iterations 2000
#   --seeds           seeds, each run by both tools, Rehearsal first (default "1")
#   --threads         threads of both tools (default 2)
#   --iterations, --vae-iterations
#                     solver / generator steps per task, passed to both (default: the epochs, 2 and 5)
#   --json-out        where to write every run as JSON (default results/side-by-side/PRESET[-itersN][-vaeN].json)
#   --bf16            also run Rehearsal with --precision bf16 for each seed (tool "rehearsal-bf16")
#
# Rehearsal: java -jar target/rehearsal.jar run --strategy gr --quiet --out TMP, its own defaults otherwise
# (e.g. --omp-wait auto); wall time = times.total of its results.json (model creation to the last
# evaluation, the result files of earlier tasks included), ACC = results[0].ACC. PyTorch: /usr/bin/python3
# generative_replay.py --json with README.md's best setting, --omp-wait passive --foreach; wall time =
# seconds.total (model creation to the last evaluation). Both also get the whole process's wall time (JVM or
# interpreter start and reading MNIST included). Run on a quiet machine; the tools never run together.
# SIDE_BY_SIDE_PYTHON overrides the interpreter.
set -euo pipefail

die() { echo "side_by_side.sh: error: $*" >&2; exit 2; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PYTHON="${SIDE_BY_SIDE_PYTHON:-/usr/bin/python3}"
JAR="$ROOT/target/rehearsal.jar"
PYTORCH_FLAGS=(--omp-wait passive --foreach)

preset=seed
seeds="1"
threads=2
iterations=0
vae_iterations=0
json_out=""
bf16=0

need() { [ $# -ge 2 ] || die "$1 needs a value"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --preset) need "$@"; preset="$2"; shift 2 ;;
        --preset=*) preset="${1#*=}"; shift ;;
        --seeds) need "$@"; seeds="$2"; shift 2 ;;
        --seeds=*) seeds="${1#*=}"; shift ;;
        --threads) need "$@"; threads="$2"; shift 2 ;;
        --threads=*) threads="${1#*=}"; shift ;;
        --iterations) need "$@"; iterations="$2"; shift 2 ;;
        --iterations=*) iterations="${1#*=}"; shift ;;
        --vae-iterations) need "$@"; vae_iterations="$2"; shift 2 ;;
        --vae-iterations=*) vae_iterations="${1#*=}"; shift ;;
        --json-out) need "$@"; json_out="$2"; shift 2 ;;
        --json-out=*) json_out="${1#*=}"; shift ;;
        --bf16) bf16=1; shift ;;
        -h|--help) sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done

case "$preset" in seed|wide) ;; *) die "--preset must be seed or wide, got '$preset'" ;; esac
[[ "$threads" =~ ^[1-9][0-9]*$ ]] || die "--threads must be a positive integer, got '$threads'"
[[ "$iterations" =~ ^[0-9]+$ ]] || die "--iterations must be a non-negative integer, got '$iterations'"
[[ "$vae_iterations" =~ ^[0-9]+$ ]] || die "--vae-iterations must be a non-negative integer, got '$vae_iterations'"
read -r -a seed_list <<< "$seeds"
[ ${#seed_list[@]} -gt 0 ] || die "--seeds needs at least one seed"
for s in "${seed_list[@]}"; do
    [[ "$s" =~ ^[0-9]+$ ]] || die "--seeds takes integers, got '$s'"
done

[ -f "$JAR" ] || die "$JAR is missing (build it: mvn -B package -DskipTests)"
command -v java > /dev/null || die "java is not on PATH (Rehearsal needs Java 17)"
[ -x "$PYTHON" ] || die "$PYTHON is missing (on Debian: apt-get install python3-torch)"
"$PYTHON" -c 'import torch' 2> /dev/null \
    || die "PyTorch is not importable by $PYTHON (on Debian: apt-get install python3-torch)"

if [ -z "$json_out" ]; then
    suffix=""
    [ "$iterations" -gt 0 ] && suffix="$suffix-iters$iterations"
    [ "$vae_iterations" -gt 0 ] && suffix="$suffix-vae$vae_iterations"
    json_out="$ROOT/results/side-by-side/$preset$suffix.json"
fi
mkdir -p "$(dirname "$json_out")"

work="$(mktemp -d "${TMPDIR:-/tmp}/side-by-side.XXXXXX")"
trap 'rm -rf "$work"' EXIT

steps=()
[ "$iterations" -gt 0 ] && steps+=(--iterations "$iterations")
[ "$vae_iterations" -gt 0 ] && steps+=(--vae-iterations "$vae_iterations")

now() { date +%s.%N; }
cd "$ROOT"   # Rehearsal's default data folder, data/mnist, is relative to the working directory
for s in "${seed_list[@]}"; do
    echo "seed $s: Rehearsal ..." >&2
    out="$work/rehearsal-$s"
    start=$(now)
    if ! java -jar "$JAR" run --strategy gr --preset "$preset" --seed "$s" --threads "$threads" "${steps[@]}" \
            --out "$out" --quiet > "$work/rehearsal-$s.log" 2>&1; then
        tail -n 5 "$work/rehearsal-$s.log" >&2
        die "Rehearsal failed for seed $s (its output is above)"
    fi
    echo "$start $(now)" > "$work/rehearsal-$s.clock"

    if [ "$bf16" = 1 ]; then
        echo "seed $s: Rehearsal, bf16 ..." >&2
        start=$(now)
        if ! java -jar "$JAR" run --strategy gr --preset "$preset" --seed "$s" --threads "$threads" "${steps[@]}" \
                --precision bf16 --out "$work/rehearsal-bf16-$s" --quiet > "$work/rehearsal-bf16-$s.log" 2>&1; then
            tail -n 5 "$work/rehearsal-bf16-$s.log" >&2
            die "Rehearsal (bf16) failed for seed $s (its output is above)"
        fi
        echo "$start $(now)" > "$work/rehearsal-bf16-$s.clock"
    fi

    echo "seed $s: PyTorch ..." >&2
    start=$(now)
    if ! "$PYTHON" "$ROOT/benchmarks/pytorch/generative_replay.py" --preset "$preset" --seed "$s" \
            --threads "$threads" "${steps[@]}" "${PYTORCH_FLAGS[@]}" --json \
            > "$work/pytorch-$s.json" 2> "$work/pytorch-$s.log"; then
        tail -n 5 "$work/pytorch-$s.log" >&2
        die "generative_replay.py failed for seed $s (its output is above)"
    fi
    echo "$start $(now)" > "$work/pytorch-$s.clock"
done

"$PYTHON" - "$work" "$json_out" "$preset" "$threads" "$iterations" "$vae_iterations" "${PYTORCH_FLAGS[*]}" \
        "${seed_list[@]}" <<'EOF'
import json, os, platform, statistics, sys, time

work, json_out, preset, threads, iterations, vae_iterations, flags = sys.argv[1:8]
seeds = [int(s) for s in sys.argv[8:]]
threads, iterations, vae_iterations = int(threads), int(iterations), int(vae_iterations)

def clock(name):
    with open(os.path.join(work, name + ".clock")) as f:
        a, b = (float(x) for x in f.read().split())
    return b - a

runs = []
tools = ["rehearsal"] + (["rehearsal-bf16"] if os.path.isdir(os.path.join(work, "rehearsal-bf16-%d" % seeds[0]))
                         else []) + ["pytorch"]
for seed in seeds:
    for tool in tools[:-1]:
        with open(os.path.join(work, "%s-%d" % (tool, seed), "results.json")) as f:
            r = json.load(f)
        result = r["results"][0]
        run = result["runs"][0]
        runs.append({
            "tool": tool,
            "seed": seed,
            "wall_seconds": result["times"]["total"],
            "process_seconds": clock("%s-%d" % (tool, seed)),
            "acc": result["ACC"],
            "R": result["R"],
            "seconds": result["times"],
            "rows_trained": {"solver": run["samples"]["solver_training"],
                             "generator": run["samples"]["generator_training"]},
            "config": {k: r["config"].get(k) for k in ("preset", "iterations", "vae-iterations", "epochs", "vae-epochs",
                                                        "batch", "lr", "vae-lr", "head", "threads", "backend", "gemm",
                                                        "omp-wait", "precision")},
            "version": r.get("rehearsal", {}),
        })
    with open(os.path.join(work, "pytorch-%d.json" % seed)) as f:
        p = json.load(f)
    runs.append({
        "tool": "pytorch",
        "seed": seed,
        "wall_seconds": p["seconds"]["total"],
        "process_seconds": clock("pytorch-%d" % seed),
        "acc": p["acc"],
        "R": p["R"],
        "seconds": p["seconds"],
        "steps": p["steps"],
        "config": {k: p.get(k) for k in ("preset", "iterations", "vae_iterations", "epochs", "vae_epochs", "batch",
                                          "lr", "threads", "omp_wait_policy", "adam_foreach")},
        "version": {"torch": p["torch"]},
    })
summary = {}
for tool in tools:
    mine = [r for r in runs if r["tool"] == tool]
    summary[tool] = {
        "wall_seconds_mean": statistics.mean(r["wall_seconds"] for r in mine),
        "process_seconds_mean": statistics.mean(r["process_seconds"] for r in mine),
        "acc_mean": statistics.mean(r["acc"] for r in mine),
        "acc_std": statistics.stdev(r["acc"] for r in mine) if len(mine) > 1 else None,
    }
for tool in tools[:-1]:
    # Rehearsal's wall time as a fraction of PyTorch's, seed by seed, and its median.
    ratios = [a["wall_seconds"] / b["wall_seconds"] for a in runs if a["tool"] == tool
              for b in runs if b["tool"] == "pytorch" and b["seed"] == a["seed"]]
    summary[tool]["wall_ratio_to_pytorch"] = ratios
    summary[tool]["wall_ratio_to_pytorch_median"] = statistics.median(ratios)
doc = {
    "protocol": {
        "strategy": "gr",
        "preset": preset,
        "iterations": iterations,
        "vae_iterations": vae_iterations,
        "threads": threads,
        "seeds": seeds,
        "pytorch_flags": flags.split(),
    },
    "machine": {"host": platform.node(), "cpus": os.cpu_count(), "load_average": list(os.getloadavg())},
    "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    "runs": runs,
    "summary": summary,
}
with open(json_out, "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")

steps = "%s / %s per task" % ("%d solver iterations" % iterations if iterations else "2 solver epochs",
                              "%d generator iterations" % vae_iterations if vae_iterations else "5 generator epochs")
print("gr, preset %s, %s, %d thread(s); PyTorch %s" % (preset, steps, threads, flags))
print()
print("%-14s %6s %10s %10s %8s" % ("tool", "seed", "wall (s)", "process", "ACC"))
for r in runs:
    print("%-14s %6d %10.2f %10.2f %8.4f" % (r["tool"], r["seed"], r["wall_seconds"], r["process_seconds"], r["acc"]))
if len(seeds) > 1:
    for tool in tools:
        m = summary[tool]
        print("%-14s %6s %10.2f %10.2f %8.4f  (std %.4f)" % (tool, "mean", m["wall_seconds_mean"],
                                                             m["process_seconds_mean"], m["acc_mean"], m["acc_std"]))
for tool in tools[:-1]:
    print("%s / pytorch wall time: median %.2f over seeds" % (tool, summary[tool]["wall_ratio_to_pytorch_median"]))
print()
print("wall: the tool's own total (Rehearsal times.total, PyTorch seconds.total); process: the whole command, "
      "start-up and reading MNIST included")
print("runs: %s" % json_out)
EOF
