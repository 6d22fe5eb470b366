#!/usr/bin/env bash
# The bundled demo: a host program whose dlopen'ed plugin leaks configuration strings (the
# reference note's leak), run under the tracker; prints leakdbg's verdict.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
out=build/demo-snapshots
rm -rf "$out"
echo "== leakdbg run --report -o $out --interval 0.5 -- build/bin/leakdbg-demo" >&2
build/bin/leakdbg run --report -o "$out" --interval 0.5 -- build/bin/leakdbg-demo
