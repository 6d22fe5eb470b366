#!/usr/bin/env bash
# Runs the tracker benchmarks of issue 2 and writes bench/RESULTS.md; then
# bench/reach_bench.sh (reachability, issue 12).
#
#   bench/run.sh [--build DIR] [--pairs N] [--blocks N] [--runs N] [--quick]
#
# One run measures, on the same binaries (built -O2 -fomit-frame-pointer by bench/):
#   - alloc_bench (PAIRS malloc/free pairs, ~10 k live, 10-frame chain) with 1 and 2 threads:
#     native, libleakdbg.so preloaded with each unwinder (fast, libunwind, none), heaptrack,
#     valgrind memcheck, and the fast unwinder with LEAKDBG_LIVE_SET=table. Wall time of the
#     whole command, best of RUNS rounds (default 5) for native and leakdbg (the machine may be
#     shared), one run for heaptrack and valgrind.
#   - live_blocks_bench (2 M live blocks): RSS per live block above native, snapshot time,
#     the longest free + malloc pair that overlapped the snapshot.
#   - capture_bench: ns per capture and per frame for each unwinder, and unw_backtrace.
# Prints the tables and writes them, with the machine, date and commands, into the tracker's
# section of RESULTS.md (the rest of the file is left alone).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$here/../build
pairs=10000000
blocks=2000000
runs=5
while (($#)); do
  case $1 in
    --build) build=$2; shift 2 ;;
    --pairs) pairs=$2; shift 2 ;;
    --blocks) blocks=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --quick) pairs=1000000; blocks=200000; runs=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
build=$(cd "$build" && pwd)
tracker=$build/lib/leakdbg/libleakdbg.so
for f in "$build/bin/alloc_bench" "$build/bin/live_blocks_bench" "$build/bin/capture_bench" "$tracker"; do
  [[ -e $f ]] || { echo "run.sh: missing $f (build the project first)" >&2; exit 1; }
done
for tool in heaptrack valgrind; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool not installed" >&2; exit 1; }
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/leakdbg-bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
results=$here/RESULTS.md
begin_marker='<!-- tracker benchmarks: written by bench/run.sh -->'
end_marker='<!-- end of tracker benchmarks -->'
report=$scratch/report.md
commands=$scratch/commands.txt

# "WALL CPU" seconds (user + system, children included) of one run of "$@"; the program's
# output goes to $scratch/last.out.
measure() {
  local TIMEFORMAT='%R %U %S' t
  if ! t=$( { time "$@" >"$scratch/last.out" 2>"$scratch/last.err"; } 2>&1 ); then
    echo "run.sh: failed: $*" >&2
    cat "$scratch/last.err" >&2
    return 1
  fi
  awk '{ printf "%.3f %.3f", $1, $2 + $3 }' <<<"$t"
}

record() { printf '%s\n' "$*" >>"$commands"; }

with_tracker() {  # with_tracker MODE command...: the program under libleakdbg.so
  local mode=$1 live_set=shadow
  shift
  # "table": the fast unwinder with every block in the hash table instead of the heap shadow.
  [[ $mode == table ]] && mode=fast live_set=table
  rm -rf "$scratch/snaps"
  mkdir -p "$scratch/snaps"
  env LD_PRELOAD="$tracker" LEAKDBG_OUTPUT_DIR="$scratch/snaps" LEAKDBG_UNWINDER="$mode" \
    LEAKDBG_LIVE_SET="$live_set" "$@"
}

command_of() {  # the command line recorded for a configuration, DIR for the scratch folder
  local config=$1
  shift
  case $config in
    leakdbg-table) echo "LD_PRELOAD=$tracker LEAKDBG_OUTPUT_DIR=DIR LEAKDBG_UNWINDER=fast LEAKDBG_LIVE_SET=table $*" ;;
    leakdbg-*) echo "LD_PRELOAD=$tracker LEAKDBG_OUTPUT_DIR=DIR LEAKDBG_UNWINDER=${config#leakdbg-} $*" ;;
    heaptrack) echo "heaptrack -o DIR/heaptrack.alloc $*" ;;
    valgrind-memcheck) echo "valgrind --tool=memcheck --quiet $*" ;;
    *) echo "$*" ;;
  esac
}

echo "== alloc_bench: $pairs malloc/free pairs" >&2
declare -A wall cpu
configs=(native leakdbg-fast leakdbg-table leakdbg-libunwind leakdbg-none heaptrack valgrind-memcheck)
for threads in 1 2; do
  prog=("$build/bin/alloc_bench" "$threads" "$pairs")
  # Rounds over all configurations rather than runs of one after the other: a machine whose
  # speed drifts then shifts every configuration alike. heaptrack and valgrind run once.
  for ((round = 1; round <= runs; round++)); do
    for config in "${configs[@]}"; do
      case $config in
        native) cmd=("${prog[@]}") ;;
        leakdbg-*) cmd=(with_tracker "${config#leakdbg-}" "${prog[@]}") ;;
        heaptrack) ((round == 1)) || continue; cmd=(heaptrack -o "$scratch/heaptrack.alloc" "${prog[@]}") ;;
        valgrind-memcheck) ((round == 1)) || continue; cmd=(valgrind --tool=memcheck --quiet "${prog[@]}") ;;
      esac
      read -r w c <<<"$(measure "${cmd[@]}")"
      key=$config.$threads
      wall[$key]=$(awk -v a="${wall[$key]:-}" -v b="$w" 'BEGIN { print (a == "" || b < a) ? b : a }')
      cpu[$key]=$(awk -v a="${cpu[$key]:-}" -v b="$c" 'BEGIN { print (a == "" || b < a) ? b : a }')
      rm -f "$scratch"/heaptrack.alloc*
    done
  done
  for config in "${configs[@]}"; do
    echo "   $config, $threads thread(s): wall ${wall[$config.$threads]} s, cpu ${cpu[$config.$threads]} s" >&2
    record "$(command_of "$config" "${prog[@]}")"
  done
done

echo "== live_blocks_bench: $blocks live blocks" >&2
field() { tr ' ' '\n' <"$scratch/last.out" | awk -F= -v k="$1" '$1 == k { print $2 }'; }
live=("$build/bin/live_blocks_bench" "$blocks")
measure "${live[@]}" >/dev/null
native_rss=$(field rss_bytes)
record "${live[*]}"
declare -A live_rss live_snap live_stall live_ok live_base
for mode in fast table libunwind none; do
  measure with_tracker "$mode" "${live[@]}" >/dev/null
  live_rss[$mode]=$(field rss_bytes)
  live_snap[$mode]=$(field snapshot_seconds)
  live_ok[$mode]=$(field snapshot_ok)
  live_stall[$mode]=$(field max_stall_during_snapshot_ms)
  live_base[$mode]=$(field max_stall_before_snapshot_ms)
  record "$(command_of "leakdbg-$mode" "${live[@]}")"
  echo "   leakdbg-$mode: rss ${live_rss[$mode]} B, snapshot ${live_snap[$mode]} s" >&2
done

echo "== capture_bench" >&2
capture_csv=$scratch/capture.csv
"$build/bin/capture_bench" --benchmark_format=csv --benchmark_min_time=0.2 \
  --benchmark_repetitions=5 --benchmark_report_aggregates_only=true >"$capture_csv" 2>/dev/null
record "$build/bin/capture_bench --benchmark_format=csv --benchmark_min_time=0.2 --benchmark_repetitions=5"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
verdict() { awk -v a="$1" -v b="$2" -v limit="$3" 'BEGIN { print (a / b <= limit) ? "met" : "missed" }'; }
# CPU ns of one capture_bench row (fastest repetition).
capture_ns() {
  awk -F, -v want="$1" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { name = $col["name"]; gsub(/"/, "", name); sub(/\/repeats:[0-9]+_min$/, "", name)
      if (name == want && $col["name"] ~ /_min"?$/) print $col["cpu_time"] + 0 }' "$capture_csv"
}

{
  echo "$begin_marker"
  echo "## Tracker (issue 2)"
  echo
  echo "Written by \`bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC')."
  echo
  echo "### Machine"
  echo
  echo "- CPU: $(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }'), $(nproc) cores available"
  echo "- Memory: $(free -g | awk '/Mem:/ { print $2 }') GiB; kernel $(uname -r); $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "- Load average when the run ended: $(cut -d' ' -f1-3 /proc/loadavg) (other jobs share the machine: times are best of $runs for native and leakdbg)"
  echo "- heaptrack: $(heaptrack --version 2>&1 | head -1); valgrind: $(valgrind --version)"
  echo
  echo "### Summary"
  echo
  for threads in 1 2; do
    echo "- alloc_bench, $threads thread(s): leakdbg (fast unwinder) $(ratio "${wall[leakdbg-fast.$threads]}" "${wall[native.$threads]}") native wall time, $(ratio "${cpu[leakdbg-fast.$threads]}" "${cpu[native.$threads]}") CPU time: 2.5x target $(verdict "${cpu[leakdbg-fast.$threads]}" "${cpu[native.$threads]}" 2.5) (CPU), $(verdict "${wall[leakdbg-fast.$threads]}" "${wall[native.$threads]}" 2.5) (wall); heaptrack $(ratio "${wall[heaptrack.$threads]}" "${wall[native.$threads]}"), valgrind memcheck $(ratio "${wall[valgrind-memcheck.$threads]}" "${wall[native.$threads]}") (wall)."
  done
  no_stack=$(capture_ns BM_AllocationPair/no_stack)
  echo "- Unwinder cost per allocation of that workload (capture_bench, CPU): fast $(awk -v a="$(capture_ns BM_AllocationPair/fast)" -v b="$no_stack" 'BEGIN { printf "%.0f", a - b }') ns (the repeated stack checked against its replay), walk $(awk -v a="$(capture_ns BM_AllocationPair/walk)" -v b="$no_stack" 'BEGIN { printf "%.0f", a - b }') ns (replays off: every frame walked with cached rules), libunwind $(awk -v a="$(capture_ns BM_AllocationPair/libunwind)" -v b="$no_stack" 'BEGIN { printf "%.0f", a - b }') ns."
  echo "- One capture 50 frames deep (63 frames): fast (replayed) $(capture_ns BM_Capture/fast/50) ns, walk $(capture_ns BM_Capture/walk/50) ns, unw_backtrace $(capture_ns BM_UnwBacktrace/50) ns."
  echo
  echo "### Allocation workload (alloc_bench, $pairs malloc/free pairs of 16-512 B, ~10 k live, 10-frame chain, -O2 -fomit-frame-pointer)"
  echo
  echo "Seconds for the whole command (program start to exit, exit snapshot included), and the"
  echo "ratio to native: wall time, and CPU time (user + system of every process of the command)."
  echo "CPU time is the steadier figure when other jobs share the machine. Target: leakdbg <= 2.5x."
  echo "leakdbg-table is the fast unwinder with every block kept in the hash table"
  echo "(\`LEAKDBG_LIVE_SET=table\`) instead of the heap shadow; -none captures no stacks."
  echo
  echo "| configuration | 1 thread wall | ratio | 1 thread CPU | ratio | 2 threads wall | ratio | 2 threads CPU | ratio |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for config in "${configs[@]}"; do
    row="| $config"
    for threads in 1 2; do
      row+=" | ${wall[$config.$threads]} | $(ratio "${wall[$config.$threads]}" "${wall[native.$threads]}")"
      row+=" | ${cpu[$config.$threads]} | $(ratio "${cpu[$config.$threads]}" "${cpu[native.$threads]}")"
    done
    echo "$row |"
  done
  echo
  echo "### 2 M live blocks (live_blocks_bench, $blocks blocks of 16-64 B from 8 call sites)"
  echo
  echo "Targets: <= 48 B of RSS per live block above native, snapshot <= 1 s, allocation calls blocked <= 100 ms."
  echo
  echo "| configuration | RSS | RSS per block above native | snapshot written | snapshot time | longest free + malloc during snapshot | longest free + malloc before |"
  echo "|---|---:|---:|---|---:|---:|---:|"
  echo "| native | $native_rss B | - | - | - | - | - |"
  for mode in fast table libunwind none; do
    per_block=$(awk -v t="${live_rss[$mode]}" -v n="$native_rss" -v b="$blocks" 'BEGIN { printf "%.1f B", (t - n) / b }')
    ok=$([[ ${live_ok[$mode]} == 1 ]] && echo yes || echo NO)
    echo "| leakdbg-$mode | ${live_rss[$mode]} B | $per_block | $ok | ${live_snap[$mode]} s | ${live_stall[$mode]} ms | ${live_base[$mode]} ms |"
  done
  echo
  echo "### Unwinder (capture_bench: fastest of 5 repetitions, CPU time)"
  echo
  echo "Depth is the chain below the benchmark loop; frames counts every frame returned (the"
  echo "benchmark's own callers included). AllocationPair is one malloc/free pair of the"
  echo "workload above with one capture before each malloc: its cost over no_stack is the"
  echo "unwinder's cost per allocation."
  echo
  echo "| benchmark | frames | ns per capture | ns per frame |"
  echo "|---|---:|---:|---:|"
  awk -F, '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    {
      name = $col["name"]; gsub(/"/, "", name)
      if (name !~ /_min$/) next
      sub(/\/repeats:[0-9]+_min$/, "", name)
      frames = $col["\"frames\""] + 0
      cpu = $col["cpu_time"] + 0
      per = (frames > 0 && name !~ /AllocationPair/) ? sprintf("%.2f", cpu / frames) : "-"
      printf "| %s | %d | %.1f | %s |\n", name, frames, cpu, per
    }' "$capture_csv"
  echo
  echo "### Commands"
  echo
  echo '```'
  cat "$commands"
  echo '```'
  echo "$end_marker"
} >"$report"

# Only the tracker's block of RESULTS.md is rewritten: the analysis side's figures, measured
# by their own benchmark programs, stay as they are.
if [[ -f $results ]] && grep -qF "$begin_marker" "$results" && grep -qF "$end_marker" "$results"; then
  awk -v begin="$begin_marker" -v end="$end_marker" -v report="$report" '
    $0 == begin { while ((getline line < report) > 0) print line; skipping = 1; next }
    $0 == end { skipping = 0; next }
    !skipping { print }' "$results" >"$scratch/results.md"
else
  { echo "# Benchmarks"; echo; cat "$report"; } >"$scratch/results.md"
fi
cp "$scratch/results.md" "$results"
cat "$report"
echo "run.sh: wrote the tracker section of $results" >&2

# The reachability benchmark (issue 12) writes its own section of RESULTS.md.
"$here/reach_bench.sh" --build "$build" --blocks "$blocks"
