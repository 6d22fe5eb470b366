#!/usr/bin/env bash
# Every test: unit, golden, end-to-end (real programs under the tracker), outside-oracle and
# fuzz-corpus replays in a normal build; then the analysis side again under ASan + UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
ctest --test-dir build --output-on-failure -j2 --timeout 600

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DLEAKDBG_SANITIZE=ON \
  -DLEAKDBG_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan -j"$(nproc)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j2 --timeout 600
