#!/usr/bin/env bash
# Runs a grid's seeds a few at a time into one results folder, so that a sweep stopped part-way has every
# strategy on its first seeds (a sweep runs its points strategy by strategy), then the whole grid, which only
# merges the records the chunks left (finished experiments are never run twice). After each chunk the folder is
# merged with the whole grid (`--merge-only`, seconds), so that its tables hold every seed finished so far and
# not only the last chunk's.
#   docs/results/protocol/sweep-in-chunks.sh GRID OUT "2 3 4 5 6" "7 8 9 10 11" ... [-- SWEEP OPTIONS]
# GRID holds one line 'seed: [...]' under grid:, which each chunk replaces. REHEARSAL_JAR picks the jar.
set -euo pipefail
grid=$1 out=$2
shift 2
chunks=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do chunks+=("$1"); shift; done
[ $# -gt 0 ] && shift
jar=${REHEARSAL_JAR:-target/rehearsal.jar}
grep -q '^  seed: \[' "$grid" || { echo "$grid: no '  seed: [...]' line under grid:" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for c in "${chunks[@]}"; do
  list=$(echo "$c" | tr -s ' ' ',')
  sed "s/^  seed: \[.*\]/  seed: [$list]/" "$grid" > "$tmp/grid.yaml"
  echo "== seeds $list" >&2
  java -jar "$jar" sweep --config "$tmp/grid.yaml" --out "$out" "$@" || echo "chunk $list: exit $?" >&2
  java -jar "$jar" sweep --config "$grid" --out "$out" --merge-only "$@" > /dev/null || echo "merge after $list: exit $?" >&2
done
java -jar "$jar" sweep --config "$grid" --out "$out" "$@"
