#!/usr/bin/env bash
# The reachability benchmark of issue 12, side by side in one run, written into its own
# section of bench/RESULTS.md (bench/run.sh calls it; it can run alone).
#
#   bench/reach_bench.sh [--build DIR] [--blocks N] [--snapshots N]
#
# reach_bench (BLOCKS live blocks, default 2 M, of 32-992 bytes: about 1 GiB of heap) takes
# SNAPSHOTS snapshots (default 3) through the program API, once with LEAKDBG_REACHABILITY=none
# and once with =requested. Reported: the program's pause per scanned snapshot (threads
# stopped until the copy of the process exists) and the copy's own part, the scan's speed
# (root and block bytes read per second of the whole background scan, block table and sort
# included, per wall second and per CPU second of the scanning process: on a shared machine
# the first mostly measures the wait for a core), and the snapshot's size with classes and
# referrers over its size without. scan_floor_bench then measures, on the same heap in the
# same run, the memory floor of any scan of it on this machine, to set the scan beside.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/bench_lib.sh
source "$here/bench_lib.sh"
build=$here/../build
blocks=2000000
snapshots=3
while (($#)); do
  case $1 in
    --build) build=$2; shift 2 ;;
    --blocks) blocks=$2; shift 2 ;;
    --snapshots) snapshots=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "reach_bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
build=$(cd "$build" && pwd)
tracker=$build/lib/leakdbg/libleakdbg.so
require_files reach_bench.sh "$build/bin/reach_bench" "$build/bin/scan_floor_bench" \
  "$build/bin/leakdbg" "$tracker"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/leakdbg-reach-bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
results=$here/RESULTS.md
begin_marker='<!-- reachability benchmark: written by bench/reach_bench.sh -->'
end_marker='<!-- end of reachability benchmark -->'

run_with() {  # run_with none|requested: snapshots in $scratch/$1, the program's line in $1.out
  mkdir -p "$scratch/$1"
  env LD_PRELOAD="$tracker" LEAKDBG_OUTPUT_DIR="$scratch/$1" LEAKDBG_REACHABILITY="$1" \
    "$build/bin/reach_bench" "$blocks" "$snapshots" >"$scratch/$1.out"
}
echo "== reach_bench: $blocks blocks, $snapshots snapshots, without and with reachability" >&2
run_with none
run_with requested
echo "== scan_floor_bench: $blocks blocks, best of 3" >&2
"$build/bin/scan_floor_bench" "$blocks" 3 >"$scratch/floor.out"

api_snapshots() { ls "$scratch/$1"/*-api.ldsnap; }
# Per scanned snapshot: "pause_ms fork_ms scan_ms scanned_bytes scan_cpu_ms".
for snap in $(api_snapshots requested); do
  "$build/bin/leakdbg" info "$snap" --json | python3 -c '
import json, sys
r = json.load(sys.stdin)["reachability"]
assert r["status"] == "complete", r["status"]
print(r["pause_ms"], r["fork_ms"], r["scan_ms"], r["root_bytes"] + r["block_bytes"], r["scan_cpu_ms"])'
done >"$scratch/scans.txt"
size_of() { stat -c %s "$@" | awk '{ s += $1; n++ } END { printf "%.0f", s / n }'; }
without=$(size_of $(api_snapshots none))
with=$(size_of $(api_snapshots requested))
field() { tr ' ' '\n' <"$scratch/$1.out" | awk -F= -v k="$2" '$1 == k { print $2 }'; }

report=$scratch/report.md
{
  echo "$begin_marker"
  echo "## Reachability (issue 12)"
  echo
  echo "Written by \`bench/reach_bench.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores,"
  echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end: the machine is shared with other"
  echo "jobs, so times vary from run to run; sizes do not."
  echo
  echo "reach_bench: $(field requested blocks) live blocks, $(field requested heap_bytes) bytes of heap,"
  echo "$(field requested dropped) of them dropped (lost trees), $snapshots snapshots each way."
  echo
  echo "| snapshot | pause (threads stopped) | of which the copy (clone) | pause without the copy | scan (background, wall) | scan CPU | scanned | per wall second | per CPU second |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  n=0
  while read -r pause fork scan bytes cpu; do
    n=$((n + 1))
    awk -v n=$n -v p="$pause" -v f="$fork" -v s="$scan" -v b="$bytes" -v c="$cpu" 'BEGIN {
      printf "| %d | %.1f ms | %.1f ms | %.1f ms | %.0f ms | %.0f ms | %.2f GB | %.2f GB/s | %.2f GB/s |\n", n, p, f, p - f, s, c, b / 1e9, b / 1e9 / (s / 1e3), b / 1e9 / (c / 1e3) }'
  done <"$scratch/scans.txt"
  echo
  awk -v w="$with" -v o="$without" 'BEGIN {
    printf "Snapshot size: %.1f MB with classes and referrers, %.1f MB without: %.2fx (target <= 1.3x: %s).\n", w / 1e6, o / 1e6, w / o, (w / o <= 1.3) ? "met" : "missed" }'
  echo
  echo "Longest free + malloc pair of a running thread overlapping a snapshot: $(field requested max_stall_during_snapshot_ms) ms with"
  echo "reachability, $(field none max_stall_during_snapshot_ms) ms without (before any snapshot: $(field requested max_stall_before_snapshot_ms) ms)."
  echo "Around the longest pair with reachability the thread waited $(field requested max_stall_runqueue_wait_ms) ms for a core over a window"
  echo "of $(field requested max_stall_window_ms) ms (without: $(field none max_stall_runqueue_wait_ms) of $(field none max_stall_window_ms) ms; run-queue wait from"
  echo "/proc/thread-self/schedstat: near the window, other jobs held it off the cores; near zero, it was blocked)."
  echo
  scan_median=$(awk '{ print $3 }' "$scratch/scans.txt" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  echo "The memory floor of scanning this heap here (scan_floor_bench, same run, best of 3, beside"
  echo "the same busy thread): every word read once in address order $(field floor read_ms) ms; with one random read of"
  echo "a 20 B/KiB index and one random 4-byte update per possible pointer ($(field floor pointers) of them)"
  echo "$(field floor pointer_pass_ms) ms ($(field floor dependent_pass_ms) ms when the update's place comes from the index read, as a scan"
  echo "that numbers its blocks must do); the block table's sort $(field floor sort_ms) ms; the block records $(field floor records_ms) ms. Together"
  awk -v f="$(field floor floor_ms)" -v g="$(field floor floor_gbps)" -v s="$scan_median" 'BEGIN {
    printf "%.0f ms, at most %.2f GB/s; the scan above (median %.0f ms) takes %.1fx the floor.\n", f, g, s, s / f }'
  echo
  echo '```'
  echo "LD_PRELOAD=$tracker LEAKDBG_OUTPUT_DIR=DIR LEAKDBG_REACHABILITY=none $build/bin/reach_bench $blocks $snapshots"
  echo "LD_PRELOAD=$tracker LEAKDBG_OUTPUT_DIR=DIR LEAKDBG_REACHABILITY=requested $build/bin/reach_bench $blocks $snapshots"
  echo "$build/bin/scan_floor_bench $blocks 3"
  echo '```'
  echo "$end_marker"
} >"$report"

write_block reach_bench.sh "$begin_marker" "$end_marker" "$report"
