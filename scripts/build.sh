#!/usr/bin/env bash
# Configures and builds leakdbg into build/ (Release with debug info): bin/leakdbg,
# lib/leakdbg/libleakdbg.so, the demo, tests and benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# Tests, benchmarks, debug information and full optimisation on explicitly: scripts/demo.sh
# configures the same build/ without them.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLEAKDBG_BUILD_TESTS=ON \
  -DLEAKDBG_BUILD_BENCH=ON -DLEAKDBG_DEBUG_INFO=ON -DLEAKDBG_FAST_BUILD=OFF >/dev/null
cmake --build build -j"$(nproc)"
