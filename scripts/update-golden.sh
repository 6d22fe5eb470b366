#!/bin/sh
# Rewrites tests/data/golden/expected/ from the current build's output (after a deliberate
# change of wording or analysis), for review with `git diff tests/data/golden/expected`.
# Usage: scripts/update-golden.sh [BUILD_DIR]   (default: build)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
ninja -C "$build" leakdbg e2e_golden_test
LEAKDBG_UPDATE_GOLDEN=1 "$build/bin/e2e_golden_test"
git --no-pager diff --stat -- tests/data/golden/expected
