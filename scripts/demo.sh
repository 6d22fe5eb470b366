#!/usr/bin/env bash
# The bundled demo: a host program whose dlopen'ed plugin leaks configuration strings (the
# reference note's leak), run under the tracker; prints leakdbg's verdict. Builds only what
# the demo runs (leakdbg, the tracker, the demo and its plugin), one short line per phase;
# the full logs go to build/demo-*.log.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
phase() { echo "demo: $1 ($((SECONDS - start)) s)" >&2; }
fail() {
  echo "demo: $1 failed; see $2" >&2
  tail -20 "$2" >&2
  exit 1
}

phase "installing packages (scripts/install-deps.sh --demo)"
scripts/install-deps.sh --demo
mkdir -p build
phase "configuring"
# Tests and benchmarks stay out of the demo build: they need packages the demo does not.
# leakdbg and its tracker are built without debug information (the demo program keeps its
# own): that saves a fifth of the compile time. LEAKDBG_FAST_BUILD compiles the analysis side
# and the command line at -Og with a precompiled header (src/CMakeLists.txt); the tracker
# keeps its flags.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLEAKDBG_BUILD_TESTS=OFF \
  -DLEAKDBG_BUILD_BENCH=OFF -DLEAKDBG_DEBUG_INFO=OFF -DLEAKDBG_FAST_BUILD=ON \
  >build/demo-configure.log 2>&1 ||
  fail "configuring" build/demo-configure.log
phase "building leakdbg, its tracker and the demo"
cmake --build build -j"$(nproc)" --target leakdbg leakdbg_tracker leakdbg-demo \
  >build/demo-build.log 2>&1 || fail "building" build/demo-build.log
out=build/demo-snapshots
rm -rf "$out"
phase "running the demo under the tracker: leakdbg run --report -o $out --interval 0.5 -- build/bin/leakdbg-demo"
build/bin/leakdbg run --report -o "$out" --interval 0.5 -- build/bin/leakdbg-demo
phase "done"
