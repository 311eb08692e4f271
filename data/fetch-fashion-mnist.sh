#!/usr/bin/env bash
# Makes Fashion-MNIST available: installs Debian's dataset-fashion-mnist when it is missing (gzipped IDX files
# under /usr/share/datasets/fashion-mnist), checks their uncompressed content against
# data/fashion-mnist.sha256, then links the four files into data/fashion/ (or the directory given as $1).
# Pass --no-link to only install and verify: Rehearsal also looks in /usr/share/datasets/fashion-mnist itself.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sums="$here/fashion-mnist.sha256"
source_dir=/usr/share/datasets/fashion-mnist
target="$here/fashion"
link=1
for arg in "$@"; do
  case "$arg" in
    --no-link) link=0 ;;
    -*) echo "usage: fetch-fashion-mnist.sh [--no-link] [DIR]" >&2; exit 2 ;;
    *) target="$arg" ;;
  esac
done

# The file as installed: Debian ships .gz, but a raw copy is accepted too.
installed() {
  if [ -f "$source_dir/$1" ]; then echo "$source_dir/$1"; elif [ -f "$source_dir/$1.gz" ]; then echo "$source_dir/$1.gz"; fi
}

complete=1
while read -r _ name; do
  [ -n "$(installed "$name")" ] || complete=0
done < "$sums"
if [ "$complete" -eq 0 ]; then
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
  echo "Installing dataset-fashion-mnist with apt-get ..."
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q dataset-fashion-mnist; then
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q dataset-fashion-mnist
  fi
fi

status=0
while read -r sum name; do
  file="$(installed "$name")"
  if [ -z "$file" ]; then
    echo "fetch-fashion-mnist.sh: $source_dir lacks $name(.gz) after installing dataset-fashion-mnist" >&2
    exit 1
  fi
  # Pinned sums are of the uncompressed content; gzip -f passes a raw file through unchanged.
  found="$(gzip -dcf "$file" | sha256sum | cut -d' ' -f1)"
  if [ "$found" != "$sum" ]; then
    echo "fetch-fashion-mnist.sh: $file has SHA-256 $found (uncompressed), expected $sum from $sums" >&2
    status=1
  fi
done < "$sums"
[ "$status" -eq 0 ] || exit 1
echo "Fashion-MNIST verified in $source_dir"

if [ "$link" -eq 1 ]; then
  mkdir -p "$target"
  while read -r _ name; do
    file="$(installed "$name")"
    ln -sfn "$file" "$target/$(basename "$file")"
  done < "$sums"
  echo "Linked into $target"
fi
