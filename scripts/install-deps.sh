#!/usr/bin/env bash
# Installs the Debian 12 packages leakdbg needs. `--demo`: only what building leakdbg, its
# tracker and the demo needs (scripts/demo.sh); no argument: that plus what the tests and
# benchmarks run (test frameworks, the comparison tools, a browser for the HTML report test,
# Go's pprof reader). Idempotent: packages already present are left alone, so repeated runs
# cost one dpkg query.
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config
  libdw-dev libelf-dev libzstd-dev libunwind-dev zlib1g-dev
  libcli11-dev nlohmann-json3-dev libedit-dev
)
test_packages=(
  binutils elfutils zstd libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libjemalloc-dev valgrind heaptrack
  jq sqlite3 python3 perl
  golang-go chromium
)

case "${1:-}" in
  --demo) packages=("${build_packages[@]}") ;;
  "") packages=("${build_packages[@]}" "${test_packages[@]}") ;;
  *)
    echo "usage: $0 [--demo]" >&2
    exit 2
    ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  echo "installing: ${missing[*]}" >&2
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
