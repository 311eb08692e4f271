#!/usr/bin/env bash
# Builds Rehearsal and its JMH benchmarks, runs them, and writes the results as JSON to
# benchmarks/results/jmh-<date>-<time>.json plus a Markdown table (.md) beside it.
#
#   benchmarks/run.sh                        the full sweep, default settings (hours on 2 cores)
#   benchmarks/run.sh --quick                the smoke subset (SmokeSubset.java) with quick settings:
#                                            1 fork, 3 x 1 s warm-up, 5 x 1 s measured, stop on error
#   benchmarks/run.sh --quick <JMH args>     quick settings on your own selection, e.g.
#                                            --quick LinearBench -p shape=784x400 -p threads=2
#   benchmarks/run.sh <JMH args>             default settings on your own selection
#   benchmarks/run.sh --no-build ...         skip both Maven builds (reuse target/benchmarks.jar)
#
# Everything after the options goes to JMH: a benchmark regex, -p name=v1,v2, -prof gc, ...
# (`java -jar benchmarks/target/benchmarks.jar -h` lists them). The build installs the main artifact
# (mvn install -DskipTests in the repository root) and packages target/benchmarks.jar.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
quick=0
build=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
  esac
done

if [[ $build == 1 ]]; then
  echo "== installing dev.rehearsal:rehearsal (mvn install -DskipTests in $root)"
  (cd "$root" && mvn -B -q install -DskipTests)
  echo "== packaging benchmarks/target/benchmarks.jar"
  (cd "$here" && mvn -B -q package)
fi

jar="$here/target/benchmarks.jar"
mkdir -p "$here/results"
out="$here/results/jmh-$(date +%Y%m%d-%H%M%S).json"
quick_args=(-f 1 -wi 3 -w 1s -i 5 -r 1s -foe true)

if [[ $quick == 1 && $# == 0 ]]; then
  java -cp "$jar" dev.rehearsal.bench.SmokeSubset "$out" "${quick_args[@]}"
elif [[ $quick == 1 ]]; then
  java -jar "$jar" -rf json -rff "$out" "${quick_args[@]}" "$@"
else
  java -jar "$jar" -rf json -rff "$out" "$@"
fi

echo
echo "== $out"
java -cp "$jar" dev.rehearsal.bench.Report "$out" | tee "${out%.json}.md"
