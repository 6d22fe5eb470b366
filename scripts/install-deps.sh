#!/usr/bin/env bash
# Installs the Debian 12 packages leakdbg builds and tests with. Idempotent: packages already
# present are left alone, so repeated runs cost one dpkg query.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config binutils
  libdw-dev libelf-dev elfutils libzstd-dev zstd libunwind-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev libedit-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libjemalloc-dev valgrind heaptrack
  zlib1g-dev golang-go chromium
)

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
