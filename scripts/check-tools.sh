#!/usr/bin/env bash
# The tools Rehearsal's build and tests run besides the JDK and Maven, in one list. pom.xml runs this script in
# Maven's first phase (validate), so a machine without one of them is told which, and how to install it, in the
# build's first seconds instead of by a test failing minutes later. The README's Requirements name every tool of
# this list (ReadmeCommandsTest checks it), and .ci/run installs the Debian packages `--missing-packages` prints.
#
# usage: scripts/check-tools.sh [build|tests] [--missing-packages]
#   build               what `mvn package -DskipTests` needs
#   tests               that, and what the tests run (the default)
#   --missing-packages  print the Debian packages that would install what is missing, and exit 0
set -euo pipefail

scope=tests
packages_only=0
for arg in "$@"; do
  case "$arg" in
    build|tests) scope="$arg" ;;
    --missing-packages) packages_only=1 ;;
    *) echo "usage: scripts/check-tools.sh [build|tests] [--missing-packages]" >&2; exit 2 ;;
  esac
done

# The python the README's pandas snippet runs on: the first python3 with pandas and matplotlib (the one on the
# PATH, else Debian's), as ReadmeSnippetTest chooses it.
has_pandas() {
  local p
  for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import pandas, matplotlib' >/dev/null 2>&1; then
      return 0
    fi
  done
  return 1
}
gnu_tar() { tar --version 2>/dev/null | head -n 1 | grep -q 'GNU tar'; }

# One row per tool: scope | what it is | who needs it | Debian packages | the check.
tools=(
  "build|g++|JavaCPP compiles native/ into the kernels' library|g++|command -v g++"
  "tests|python3|ReadmeTablesTest runs the README table scripts|python3|command -v python3"
  "tests|python3 with pandas and matplotlib|ReadmeSnippetTest runs the README's pandas snippet|python3-pandas python3-matplotlib|has_pandas"
  "tests|GNU tar|TarReaderTest checks our tar reader against it|tar|gnu_tar"
)

missing=()
needed_by=()
packages=()
for row in "${tools[@]}"; do
  IFS='|' read -r for_scope what who debian check <<<"$row"
  if [ "$for_scope" = tests ] && [ "$scope" = build ]; then
    continue
  fi
  if ! eval "$check" >/dev/null 2>&1; then
    missing+=("$what")
    needed_by+=("$what ($who)")
    read -r -a pkgs <<<"$debian"
    packages+=("${pkgs[@]}")
  fi
done

if [ "$packages_only" -eq 1 ]; then
  echo "${packages[*]:-}"
  exit 0
fi
if [ ${#missing[@]} -gt 0 ]; then
  joined=$(printf '%s; ' "${needed_by[@]}")
  hint=""
  if [ "$scope" = tests ]; then
    hint=", or build without the tests: mvn -B package -DskipTests"
  fi
  echo "rehearsal: missing ${joined%; }: on Debian or Ubuntu, sudo apt-get install ${packages[*]}$hint" >&2
  exit 1
fi
