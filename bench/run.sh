#!/usr/bin/env bash
# Runs the tracker benchmarks of issue 2 and writes bench/RESULTS.md; then
# bench/reach_bench.sh (reachability, issue 12).
#
#   bench/run.sh [--build DIR] [--pairs N] [--blocks N] [--runs N] [--quick]
#                [--only SECTIONS] [--real]
#
# SECTIONS is a comma-separated subset of issue2 (the alloc_bench, live_blocks_bench and
# capture_bench tables below), stacks, memory, periodic, reach (bench/reach_bench.sh) and real
# (default: all but real; --real adds it, `--only real` runs it alone).
# Each section rewrites only its own marked block of RESULTS.md.
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
#   - stacks: alloc_bench with each malloc through one of S distinct 10-frame stacks (S = 1,
#     8, 64, 1024), 1 and 2 threads: native, leakdbg and heaptrack, CPU time, medians of RUNS
#     rounds (heaptrack: median of min(RUNS, 3)).
#   - memory: live_blocks_bench with BLOCKS blocks of 16-64, 16-512 and 1024-4096 B and
#     BLOCKS/10 of 64 KiB: RSS and peak RSS above native per block, with and without the
#     reachability scan of the snapshot.
#   - periodic: periodic_snapshot_bench (BLOCKS live blocks, 8 s of replacing random ones):
#     native, under the tracker with the exit snapshot only and with LEAKDBG_INTERVAL=1, in
#     RUNS alternating rounds: throughput, longest free + malloc, the interval snapshots'
#     times, and their medians over the rounds.
#   - real: programs from Debian packages on fixed work generated into a temporary folder
#     (jq, sqlite3, python3, cc1plus, perl): native, leakdbg without the reachability scan,
#     leakdbg as installed (scan of the exit snapshot) and heaptrack, CPU time, medians of
#     min(RUNS, 3) rounds.
# Prints the tables and writes them, with the machine, date and commands, into the tracker's
# section of RESULTS.md (the rest of the file is left alone).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/bench_lib.sh
source "$here/bench_lib.sh"
build=$here/../build
pairs=10000000
blocks=2000000
runs=5
sections=issue2,stacks,memory,periodic,reach
while (($#)); do
  case $1 in
    --build) build=$2; shift 2 ;;
    --pairs) pairs=$2; shift 2 ;;
    --blocks) blocks=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --quick) pairs=1000000; blocks=200000; runs=1; shift ;;
    --only) sections=$2; shift 2 ;;
    --real) sections+=,real; shift ;;
    -h|--help) sed -n '2,37p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
build=$(cd "$build" && pwd)
tracker=$build/lib/leakdbg/libleakdbg.so
require_files run.sh "$build/bin/alloc_bench" "$build/bin/live_blocks_bench" "$build/bin/capture_bench" "$tracker"
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


want() { [[ ,$sections, == *,$1,* ]]; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
verdict() { awk -v a="$1" -v b="$2" -v limit="$3" 'BEGIN { print (a / b <= limit) ? "met" : "missed" }'; }

# Median of the numbers on stdin, one per line.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

if want issue2; then
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

write_block run.sh "$begin_marker" "$end_marker" "$report"
fi

if want stacks; then
  echo "== stack diversity: alloc_bench with S distinct stacks, $pairs pairs" >&2
  declare -A stack_cpu
  stack_counts=(1 8 64 1024)
  heaptrack_runs=$((runs < 3 ? runs : 3))
  for threads in 1 2; do
    for s in "${stack_counts[@]}"; do
      prog=("$build/bin/alloc_bench" "$threads" "$pairs" "$s")
      declare -A samples=()
      # Rounds over the three configurations: drift of a shared machine shifts all alike.
      for ((round = 1; round <= runs; round++)); do
        for config in native leakdbg heaptrack; do
          case $config in
            native) cmd=("${prog[@]}") ;;
            leakdbg) cmd=(with_tracker fast "${prog[@]}") ;;
            # heaptrack's interpreter grew past 18 GB at S=1024 on this 24 GB machine (then
            # aborted with bad_alloc): capped at 8 GB of address space so it fails alone.
            heaptrack) ((round <= heaptrack_runs)) || continue
              cmd=(prlimit --as=8589934592 heaptrack -o "$scratch/heaptrack.alloc" "${prog[@]}") ;;
          esac
          c=$(measure "${cmd[@]}" | cut -d' ' -f2) || c=""
          [[ -n $c ]] && samples[$config]+="$c"$'\n'
          rm -f "$scratch"/heaptrack.alloc*
        done
      done
      for config in native leakdbg heaptrack; do
        stack_cpu[$config.$threads.$s]=$(printf '%s' "${samples[$config]:-}" | median)
      done
      echo "   S=$s, $threads thread(s): cpu native ${stack_cpu[native.$threads.$s]} s, leakdbg ${stack_cpu[leakdbg.$threads.$s]} s, heaptrack ${stack_cpu[heaptrack.$threads.$s]} s" >&2
    done
  done
  stack_limit() { case $1 in 1) echo 2.5 ;; 8) echo 2.0 ;; 64) echo 2.5 ;; *) echo 3.0 ;; esac; }
  stacks_report=$scratch/stacks.md
  {
    echo '<!-- tracker stack diversity: written by bench/run.sh -->'
    echo "### Stack diversity (alloc_bench THREADS $pairs S)"
    echo
    echo "Written by \`bench/run.sh --only stacks\` on $(date -u '+%Y-%m-%d %H:%M UTC'); load average"
    echo "at the end $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores shared with other jobs."
    echo "Each malloc goes through one of S distinct 10-frame stacks picked at random (S=1: the"
    echo "workload of the table above). CPU seconds (user + system of the whole command), medians"
    echo "of $runs rounds ($heaptrack_runs for heaptrack), and their ratio to native. Targets: leakdbg"
    echo "<= 2.0x at S=8, 2.5x at S=64, 3.0x at S=1024 (S=1: 2.5x, issue 2)."
    echo
    echo "| S | threads | native | leakdbg | ratio | target | heaptrack | ratio |"
    echo "|---:|---:|---:|---:|---:|---|---:|---:|"
    for threads in 1 2; do
      for s in "${stack_counts[@]}"; do
        n=${stack_cpu[native.$threads.$s]} l=${stack_cpu[leakdbg.$threads.$s]} h=${stack_cpu[heaptrack.$threads.$s]}
        # A configuration whose every run failed (heaptrack aborts with bad_alloc on some) says so.
        if [[ -n $h ]]; then h_cells="$h | $(ratio "$h" "$n")"; else h_cells="failed | -"; fi
        echo "| $s | $threads | $n | $l | $(ratio "$l" "$n") | $(stack_limit "$s")x $(verdict "$l" "$n" "$(stack_limit "$s")") | $h_cells |"
      done
    done
    echo
    echo "Commands: \`$(command_of native "$build/bin/alloc_bench" THREADS "$pairs" S)\`,"
    echo "\`$(command_of leakdbg-fast "$build/bin/alloc_bench" THREADS "$pairs" S)\`,"
    echo "\`$(command_of heaptrack "$build/bin/alloc_bench" THREADS "$pairs" S)\`."
    echo '<!-- end of tracker stack diversity -->'
  } >"$stacks_report"
  write_block run.sh '<!-- tracker stack diversity: written by bench/run.sh -->' \
    '<!-- end of tracker stack diversity -->' "$stacks_report"
fi

if want memory; then
  echo "== memory per live block: live_blocks_bench by block size" >&2
  memory_report=$scratch/memory.md
  field_of() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2 }'; }
  {
    echo '<!-- tracker memory per block: written by bench/run.sh -->'
    echo "### Memory per live block (live_blocks_bench BLOCKS MIN MAX)"
    echo
    echo "Written by \`bench/run.sh --only memory\` on $(date -u '+%Y-%m-%d %H:%M UTC')."
    echo "RSS with every block live, and the peak RSS of the whole run (VmHWM, the program-API"
    echo "snapshot included), both above the native run, per live block and as a share of the"
    echo "requested heap. The snapshot runs once with the default reachability scan and once"
    echo "with \`LEAKDBG_REACHABILITY=none\`. Target: <= 48 B per block (peak), <= 1% of the heap"
    echo "for 64 KiB blocks."
    echo
    echo "| blocks | sizes | heap | reachability | RSS above native per block | peak above native per block | peak above native / heap | snapshot s |"
    echo "|---:|---|---:|---|---:|---:|---:|---:|"
    for spec in "$blocks 16 64" "$blocks 16 512" "$blocks 1024 4096" "$((blocks / 10)) 65536 65536"; do
      read -r n lo hi <<<"$spec"
      native_out=$("$build/bin/live_blocks_bench" "$n" "$lo" "$hi")
      nr=$(field_of "$native_out" rss_bytes) np=$(field_of "$native_out" peak_rss_bytes)
      heap=$(field_of "$native_out" heap_bytes)
      for reach in default none; do
        rm -rf "$scratch/snaps" && mkdir -p "$scratch/snaps"
        reach_env=()
        [[ $reach == none ]] && reach_env=(LEAKDBG_REACHABILITY=none)
        out=$(env LD_PRELOAD="$tracker" LEAKDBG_OUTPUT_DIR="$scratch/snaps" "${reach_env[@]}" \
          "$build/bin/live_blocks_bench" "$n" "$lo" "$hi")
        r=$(field_of "$out" rss_bytes) p=$(field_of "$out" peak_rss_bytes)
        awk -v n="$n" -v lo="$lo" -v hi="$hi" -v heap="$heap" -v reach="$reach" -v r="$r" \
          -v nr="$nr" -v p="$p" -v np="$np" -v s="$(field_of "$out" snapshot_seconds)" 'BEGIN {
            printf "| %d | %d-%d B | %.0f MiB | %s | %.0f B | %.0f B | %.2f%% | %s |\n",
              n, lo, hi, heap / 1048576, reach, (r - nr) / n, (p - np) / n, 100 * (p - np) / heap, s }'
      done
    done
    echo '<!-- end of tracker memory per block -->'
  } >"$memory_report"
  write_block run.sh '<!-- tracker memory per block: written by bench/run.sh -->' \
    '<!-- end of tracker memory per block -->' "$memory_report"
fi

if want periodic; then
  # Rounds alternate the three configurations, so that a disturbance of the machine falls on
  # all of them alike; the throughput ratio is taken within each round, then its median.
  periodic_rounds=$runs
  echo "== periodic snapshots: periodic_snapshot_bench $blocks blocks, $periodic_rounds rounds" >&2
  periodic_report=$scratch/periodic.md
  periodic_rows=$scratch/periodic_rows.txt
  : >"$periodic_rows"
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  for ((round = 1; round <= periodic_rounds; round++)); do
    for config in native exit-only interval-1; do
      rm -rf "$scratch/snaps" && mkdir -p "$scratch/snaps"
      case $config in
        native) out=$("$build/bin/periodic_snapshot_bench" "$blocks" 8) ;;
        exit-only) out=$(env LD_PRELOAD="$tracker" LEAKDBG_OUTPUT_DIR="$scratch/snaps" \
          LEAKDBG_REACHABILITY=none "$build/bin/periodic_snapshot_bench" "$blocks" 8) ;;
        interval-1) out=$(env LD_PRELOAD="$tracker" LEAKDBG_OUTPUT_DIR="$scratch/snaps" \
          LEAKDBG_REACHABILITY=none LEAKDBG_INTERVAL=1 "$build/bin/periodic_snapshot_bench" "$blocks" 8) ;;
      esac
      times= per_block=-
      # The program frees its blocks before it exits: the interval snapshots hold them.
      for f in "$scratch"/snaps/*-interval.ldsnap; do
        [[ -e $f ]] || continue
        per_block=$(awk -v bytes="$(stat -c %s "$f")" -v n="$blocks" 'BEGIN { printf "%.1f", bytes / n }')
        times+="$("$build/bin/leakdbg" info --json "$f" | jq -r '.uptime_seconds * 1000 | round / 1000'),"
      done
      pps=${out#*pairs_per_second=} max=${out#*max_pair_ms=} over=${out#*pairs_over_10ms=}
      over1=${out#*pairs_over_1ms=}
      times=${times%,}
      # round config pairs/s longest_ms over_1ms over_10ms times bytes_per_block
      echo "$round $config ${pps%% *} ${max%% *} ${over1%% *} ${over%% *} ${times:--} $per_block" >>"$periodic_rows"
    done
  done
  {
    echo '<!-- tracker periodic snapshots: written by bench/run.sh -->'
    echo "### Periodic snapshots (periodic_snapshot_bench $blocks 8)"
    echo
    echo "Written by \`bench/run.sh --only periodic\` on $(date -u '+%Y-%m-%d %H:%M UTC'); load average"
    echo "$load_before at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end. $periodic_rounds rounds, each running native,"
    echo "exit-only and interval-1 in turn; \`LEAKDBG_REACHABILITY=none\`. Snapshot times: \`uptime_seconds\`"
    echo "of each interval snapshot (when it began). Targets: throughput with the interval at most 10%"
    echo "below exit-only, the longest free + malloc at most 10 ms, the n-th snapshot within 10% of"
    echo "n x interval."
    echo
    echo "| round | configuration | pairs/s | vs exit-only | longest free + malloc | pairs over 1 ms | pairs over 10 ms | snapshot times (s) | file bytes per block (last interval snapshot) |"
    echo "|---:|---|---:|---:|---:|---:|---:|---|---:|"
    awk '{ if ($2 == "exit-only") base[$1] = $3; row[NR] = $0 }
      END {
        for (i = 1; i <= NR; i++) {
          split(row[i], f, " ")
          vs = (f[2] == "interval-1" && base[f[1]] > 0) ? sprintf("%+.1f%%", 100 * (f[3] / base[f[1]] - 1)) : "-"
          t = f[7]; gsub(",", " ", t)
          printf "| %s | %s | %s | %s | %s ms | %s | %s | %s | %s |\n", f[1], f[2], f[3], vs, f[4], f[5], f[6], t, f[8]
        }
      }' "$periodic_rows"
    echo
    python3 - "$periodic_rows" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
by = {}
for r in rows:
    by.setdefault(r[1], []).append(r)
base = {r[0]: float(r[2]) for r in by.get("exit-only", [])}
iv = by.get("interval-1", [])
ratios = [float(r[2]) / base[r[0]] - 1 for r in iv if base.get(r[0])]
longest = [float(r[3]) for r in iv]
late, count = 0.0, []
for r in iv:
    times = [] if r[6] == "-" else [float(t) for t in r[6].split(",")]
    count.append(len(times))
    late = max([late] + [abs(t - n) / 1.0 for n, t in enumerate(times, 1)])
def verdict(ok):
    return "met" if ok else "missed"
med = statistics.median(ratios) if ratios else float("nan")
print(f"- Throughput with a 1 s interval against exit-only, median of {len(ratios)} rounds: "
      f"{100 * med:+.1f}% (rounds {', '.join(f'{100 * x:+.1f}%' for x in ratios)}); "
      f"limit -10%: {verdict(med >= -0.10)} (median), met in {sum(x >= -0.10 for x in ratios)} of {len(ratios)} rounds.")
print(f"- Longest free + malloc with the interval: median {statistics.median(longest):.1f} ms, "
      f"worst {max(longest):.1f} ms; limit 10 ms: {verdict(statistics.median(longest) <= 10)} (median), "
      f"met in {sum(x <= 10 for x in longest)} of {len(longest)} rounds. Native, same rounds: median "
      f"{statistics.median(float(r[3]) for r in by['native']):.1f} ms, worst {max(float(r[3]) for r in by['native']):.1f} ms.")
print(f"- Interval snapshots: {min(count)}-{max(count)} per run of 8 s of work, the latest "
      f"{1000 * late:.0f} ms off start + n x interval (limit 100 ms): {verdict(late <= 0.1)}.")
PY
    echo '<!-- end of tracker periodic snapshots -->'
  } >"$periodic_report"
  write_block run.sh '<!-- tracker periodic snapshots: written by bench/run.sh -->' \
    '<!-- end of tracker periodic snapshots -->' "$periodic_report"
fi

# The reachability benchmark (issue 12) writes its own section of RESULTS.md.
if want reach; then
  "$here/reach_bench.sh" --build "$build" --blocks "$blocks"
fi

if want real; then
  for tool in jq sqlite3 python3 perl g++; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool not installed (scripts/install-deps.sh)" >&2; exit 1; }
  done
  echo "== real programs: generating their input" >&2
  data=$scratch/real
  mkdir -p "$data"
  # jq: 60k JSON lines of nested objects; the filter builds new objects and strings per line.
  python3 - "$data/events.jsonl" <<'PY'
import json, random, sys
random.seed(13)
with open(sys.argv[1], "w") as out:
    for i in range(60000):
        out.write(json.dumps({"id": i, "user": "user%d" % random.randrange(5000),
            "tags": ["t%d" % random.randrange(300) for _ in range(random.randrange(1, 8))],
            "attrs": {"k%d" % j: random.random() for j in range(random.randrange(1, 6))},
            "msg": "event %d from host %d" % (i, random.randrange(100))}) + "\n")
PY
  # sqlite3: 200k inserts in one transaction, then an index over a text column.
  {
    echo "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, value REAL, note TEXT);"
    echo "BEGIN;"
    awk 'BEGIN { srand(13); for (i = 0; i < 200000; i++)
      printf "INSERT INTO t (name, value, note) VALUES (%cname%d%c, %.6f, %cnote %d of the run%c);\n",
        39, int(rand() * 50000), 39, rand(), 39, i, 39 }'
    echo "COMMIT;"
    echo "CREATE INDEX t_name ON t (name, value);"
    echo "SELECT count(*) FROM t;"
  } >"$data/inserts.sql"
  # cc1plus: a translation unit of 25 functions over standard containers, preprocessed
  # once so that the timed command is the compiler proper.
  {
    echo '#include <map>'; echo '#include <string>'; echo '#include <vector>'
    echo '#include <algorithm>'; echo '#include <unordered_map>'; echo '#include <sstream>'
    for i in $(seq 1 25); do
      echo "std::string f$i(const std::vector<int>& v) {"
      echo "  std::map<int, std::string> m; std::unordered_map<std::string, int> u;"
      echo "  for (int x : v) { m[x % $i] += std::to_string(x); u[std::to_string(x * $i)] = x; }"
      echo "  std::ostringstream out; for (auto& [k, s] : m) out << k << s.size() << u.size();"
      echo "  std::vector<int> w(v); std::sort(w.begin(), w.end(), [](int a, int b) { return a % $i < b % $i; });"
      echo "  return out.str() + std::to_string(w.empty() ? 0 : w.front()); }"
    done
  } >"$data/unit.cpp"
  g++ -std=c++20 -E "$data/unit.cpp" -o "$data/unit.ii"
  cc1plus=$(g++ -print-prog-name=cc1plus)
  # perl: a word index of generated text (hashes of arrays, string splits and joins, sort).
  cat >"$data/index.pl" <<'PL'
my (%index, %count);
srand(13);
for my $line (1 .. 150000) {
  my @words = map { "w" . int(rand(40000)) } 1 .. 6;
  for my $w (@words) { push @{ $index{$w} }, $line; $count{$w}++; }
}
my @top = (sort { $count{$b} <=> $count{$a} || $a cmp $b } keys %count)[0 .. 9];
print join(",", map { "$_=" . scalar(@{ $index{$_} }) } @top), "\n";
PL
  # Each program's command, fixed work; /usr/bin/python3 so that no wrapper script runs.
  real_names=(jq sqlite3 python3 cc1plus perl)
  declare -A real_cmd real_what
  real_cmd[jq]="jq -c {id,user,n:(.tags|length),tags:(.tags|map(ascii_upcase)|join(\"-\")),s:([.attrs[]]|add)} $data/events.jsonl"
  real_what[jq]="jq over 60k JSON lines, an object and strings built per line"
  real_cmd[sqlite3]="sqlite3 $data/db.sqlite -init $data/inserts.sql .quit"
  real_what[sqlite3]="sqlite3: 200k inserts in one transaction, then an index"
  real_cmd[python3]="/usr/bin/python3 -c d={str(i):[i,str(i*7)]for(i)in(range(400000))};print(len(d))"
  real_what[python3]="python3 building a 400k-entry dict of str to list"
  real_cmd[cc1plus]="$cc1plus -quiet -std=c++20 -O2 $data/unit.ii -o $data/unit.s"
  real_what[cc1plus]="cc1plus -O2 on 25 generated functions over std containers ($(wc -l <"$data/unit.ii") preprocessed lines)"
  real_cmd[perl]="perl $data/index.pl"
  real_what[perl]="perl word index: 150k lines of 6 words into a hash of arrays, then a sort"
  real_runs=$((runs < 3 ? runs : 3))
  real_configs=(native leakdbg leakdbg-default heaptrack)
  declare -A real_cpu
  echo "== real programs: $real_runs rounds" >&2
  for name in "${real_names[@]}"; do
    read -ra prog <<<"${real_cmd[$name]}"
    declare -A samples=()
    for ((round = 1; round <= real_runs; round++)); do
      for config in "${real_configs[@]}"; do
        rm -f "$data/db.sqlite" "$scratch"/heaptrack.alloc*
        rm -rf "$scratch/snaps" && mkdir -p "$scratch/snaps"
        case $config in
          native) cmd=("${prog[@]}") ;;
          leakdbg) cmd=(env LD_PRELOAD="$tracker" LEAKDBG_OUTPUT_DIR="$scratch/snaps" LEAKDBG_REACHABILITY=none "${prog[@]}") ;;
          leakdbg-default) cmd=(env LD_PRELOAD="$tracker" LEAKDBG_OUTPUT_DIR="$scratch/snaps" "${prog[@]}") ;;
          heaptrack) cmd=(heaptrack -o "$scratch/heaptrack.alloc" "${prog[@]}") ;;
        esac
        c=$(measure "${cmd[@]}" | cut -d' ' -f2) || c=""
        [[ -n $c ]] && samples[$config]+="$c"$'\n'
      done
    done
    for config in "${real_configs[@]}"; do
      real_cpu[$config.$name]=$(printf '%s' "${samples[$config]:-}" | median)
    done
    echo "   $name: cpu native ${real_cpu[native.$name]} s, leakdbg ${real_cpu[leakdbg.$name]} s, default ${real_cpu[leakdbg-default.$name]} s, heaptrack ${real_cpu[heaptrack.$name]} s" >&2
  done
  real_report=$scratch/real.md
  cell() {  # "SECONDS | RATIO" of one configuration, or "failed | -"
    local v=${real_cpu[$1.$2]} n=${real_cpu[native.$2]}
    if [[ -n $v ]]; then echo "$v | $(ratio "$v" "$n")"; else echo "failed | -"; fi
  }
  {
    echo '<!-- tracker real programs: written by bench/run.sh -->'
    echo "### Real programs (Debian 12 packages, fixed work)"
    echo
    echo "Written by \`bench/run.sh --only real\` on $(date -u '+%Y-%m-%d %H:%M UTC'); load average"
    echo "at the end $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores shared with other jobs."
    echo "Input generated by the script. CPU seconds (user + system of the whole command,"
    echo "heaptrack's own processes included), medians of $real_runs rounds, each round running the"
    echo "four configurations one after the other. leakdbg: \`LD_PRELOAD=libleakdbg.so\` with"
    echo "\`LEAKDBG_REACHABILITY=none\` (as \`leakdbg run --reachability none\`); leakdbg default: the"
    echo "exit snapshot with its reachability scan, as \`leakdbg run\` does by default. Target:"
    echo "leakdbg <= 1.5x native and below heaptrack on every row."
    echo
    echo "| program | work | native | leakdbg | ratio | leakdbg default | ratio | heaptrack | ratio | target |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
    for name in "${real_names[@]}"; do
      n=${real_cpu[native.$name]} l=${real_cpu[leakdbg.$name]} h=${real_cpu[heaptrack.$name]}
      met=$(awk -v l="$l" -v n="$n" -v h="$h" 'BEGIN { print (l != "" && l / n <= 1.5 && (h == "" || l < h)) ? "met" : "**missed**" }')
      echo "| $name | ${real_what[$name]} | $n | $(cell leakdbg "$name") | $(cell leakdbg-default "$name") | $(cell heaptrack "$name") | $met |"
    done
    echo
    echo "Commands (DATA: the generated input):"
    echo
    echo '```'
    for name in "${real_names[@]}"; do echo "${real_cmd[$name]//$data/DATA}"; done
    echo "# under leakdbg: LD_PRELOAD=$tracker LEAKDBG_OUTPUT_DIR=DIR LEAKDBG_REACHABILITY=none COMMAND"
    echo "# heaptrack: heaptrack -o DIR/heaptrack.alloc COMMAND"
    echo '```'
    echo '<!-- end of tracker real programs -->'
  } >"$real_report"
  write_block run.sh '<!-- tracker real programs: written by bench/run.sh -->' \
    '<!-- end of tracker real programs -->' "$real_report"
fi
