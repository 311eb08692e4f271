#!/usr/bin/env bash
# Is a sweep near-linear in cores? Times one one-thread experiment on its own (its results.json wall time,
# JVM start-up not counted: the rate a single experiment gets), then a sweep of N such experiments (seeds
# 1..N) with --parallel P --threads 1, timed from the command's start to its end (JVM start-up, data
# loading and the report included), and prints
#   efficiency = (N / sweep seconds) / (P / single-experiment seconds).
#
#   benchmarks/sweep/scaling.sh [--preset seed|wide] [--strategy S] [--experiments N] [--parallel P]
#                               [--json-out FILE] [-- extra run/sweep options, e.g. --iterations 500]
# Needs target/rehearsal.jar (mvn -B package). The machine should be otherwise idle.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$(dirname "$here")")"
jar="$root/target/rehearsal.jar"
preset=seed
strategy=gr
n=6
parallel=$(nproc)
json_out=""
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --preset) preset="$2"; shift 2 ;;
    --strategy) strategy="$2"; shift 2 ;;
    --experiments) n="$2"; shift 2 ;;
    --parallel) parallel="$2"; shift 2 ;;
    --json-out) json_out="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ -f "$jar" ]] || { echo "error: $jar is missing: run mvn -B package first" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"

wall() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["times"]["total"])' "$1"; }

# One experiment alone, one thread, twice (seeds 1 and 2): the mean of their own wall times.
single=()
for s in 1 2; do
  java -jar "$jar" run --preset "$preset" --strategy "$strategy" --seed "$s" --threads 1 --quiet \
    --out "$work/single-$s" "${extra[@]}" > /dev/null
  single+=("$(wall "$(find "$work/single-$s" -name results.json | head -1)")")
done

{
  echo "preset: $preset"
  echo "strategy: $strategy"
  i=0
  while [[ $i -lt ${#extra[@]} ]]; do
    key="${extra[$i]#--}"; echo "$key: ${extra[$((i + 1))]}"; i=$((i + 2))
  done
  echo "grid:"
  echo "  seed: [$(seq -s ', ' 1 "$n")]"
} > "$work/grid.yaml"
start=$(date +%s.%N)
if ! java -jar "$jar" sweep --config "$work/grid.yaml" --parallel "$parallel" --threads 1 --out "$work/sweep" \
    > "$work/sweep.log" 2>&1; then
  cat "$work/sweep.log" >&2
  exit 1
fi
end=$(date +%s.%N)

python3 - "$preset" "$strategy" "$n" "$parallel" "$start" "$end" "$json_out" "$work/sweep.log" "${single[@]}" <<'PY'
import json, re, sys
preset, strategy, n, parallel, start, end, out, log = sys.argv[1:9]
single = [float(x) for x in sys.argv[9:]]
# Each experiment's own wall time inside the sweep, from its progress line ("...: ACC 0.8198 in 5.1 s").
inside = [float(m) for m in re.findall(r": ACC [0-9.]+ in ([0-9.]+) s", open(log).read())]
n, parallel = int(n), int(parallel)
t1 = sum(single) / len(single)
sweep = float(end) - float(start)
ideal = parallel / t1 * 3600
got = n / sweep * 3600
r = {"preset": preset, "strategy": strategy, "experiments": n, "parallel": parallel,
     "single_experiment_seconds": single, "sweep_seconds": sweep, "experiment_seconds_in_sweep": inside,
     "experiments_per_hour": got, "ideal_experiments_per_hour": ideal, "efficiency": got / ideal}
print("%s %s: one experiment alone %.1f s (1 thread); %d experiments, %d at once: %.1f s" %
      (preset, strategy, t1, n, parallel, sweep))
print("experiments per hour: %.0f of an ideal %d x %.0f = %.0f: efficiency %.1f%%" %
      (got, parallel, 3600 / t1, ideal, 100 * got / ideal))
if inside:
    mean = sum(inside) / len(inside)
    print("an experiment inside the sweep took %.1f s on average (%.0f%% of alone); the sweep's fixed cost "
          "(start-up, data, report) is about %.1f s" % (mean, 100 * mean / t1, sweep - mean * n / parallel))
if out:
    with open(out, "w") as f:
        json.dump(r, f, indent=2)
        f.write("\n")
PY
