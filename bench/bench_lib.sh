# Shell functions the benchmark scripts share (sourced by bench/run.sh and
# bench/reach_bench.sh). They use the caller's $results (bench/RESULTS.md) and $scratch (a
# temporary folder).

# require_files SCRIPT FILE...: exits with one line naming the first missing file.
require_files() {
  local script=$1 f
  shift
  for f in "$@"; do
    [[ -e $f ]] || { echo "$script: missing $f (build the project first)" >&2; exit 1; }
  done
}

# write_block SCRIPT BEGIN END BLOCK: replaces the lines from marker BEGIN to marker END of
# $results with the file BLOCK (markers included), or appends BLOCK: each benchmark rewrites
# its own section and leaves the others as they are.
write_block() {
  local script=$1 begin=$2 end=$3 block=$4
  if [[ -f $results ]] && grep -qF "$begin" "$results" && grep -qF "$end" "$results"; then
    awk -v begin="$begin" -v end="$end" -v report="$block" '
      $0 == begin { while ((getline line < report) > 0) print line; skipping = 1; next }
      $0 == end { skipping = 0; next }
      !skipping { print }' "$results" >"$scratch/results.md"
  elif [[ -f $results ]]; then
    { cat "$results"; echo; cat "$block"; } >"$scratch/results.md"
  else
    { echo "# Benchmarks"; echo; cat "$block"; } >"$scratch/results.md"
  fi
  cp "$scratch/results.md" "$results"
  cat "$block"
  echo "$script: wrote a section of $results" >&2
}
