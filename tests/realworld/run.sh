#!/bin/sh
# The real-world leak suite: open-source C libraries with a publicly documented leak that was
# fixed. Each is built at the leaking commit and at the fix with a small driver of ours, run
# under `leakdbg run`, and analysed: rank 1 must be likely_leak and name the documented
# allocation site in the leaking build; nothing may be likely_leak in the fixed one.
#
# Nothing is downloaded here. Clone the projects yourself and pass the clones (any clone
# holding both commits; bare repositories work too):
#
#   PARSON_SRC     git clone https://github.com/kgabis/parson
#                  leaking 60b2c69f171f0a66e3ff5afa56de74660032f3d0, fixed
#                  ab7f5e5401d45462f517f204e5ce52d80d7dbcd6: issue #157, the key of
#                  parse_object_value leaked when it held an escaped NUL
#   YAJL_SRC       git clone https://github.com/lloyd/yajl
#                  leaking e2d080612f566205d16a65fdad05618f92774d4c, fixed
#                  48c02bf339cbf056d9f202573d57a3d0a95deef2: pull request #57, the error
#                  string of a failed yajl_tree_parse leaked
#   INIPARSER_SRC  git clone https://github.com/ndevilla/iniparser
#                  leaking 3a2d60c583fbba48afb85ba830e1afc90da996aa, fixed
#                  9ca5edc4967c565f84c6122c1322ca8981dd309f: Coverity CID 1169710, the key
#                  prefix of iniparser_getseckeys leaked
#
# Usage: PARSON_SRC=... YAJL_SRC=... INIPARSER_SRC=... tests/realworld/run.sh [LEAKDBG]
# LEAKDBG defaults to build/bin/leakdbg. A project whose variable is unset is skipped (and
# reported); the exit code is 0 only if every project that ran passed. Work files go to
# $WORK (default: a new folder under /tmp). Needs cc, git, tar and jq. Takes about 30 s.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
leakdbg=${1:-${LEAKDBG:-$repo/build/bin/leakdbg}}
[ -x "$leakdbg" ] || { echo "run.sh: no leakdbg at $leakdbg (build first, or pass its path)" >&2; exit 2; }
for tool in cc git tar jq; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is needed" >&2; exit 2; }
done
work=${WORK:-$(mktemp -d /tmp/leakdbg-realworld.XXXXXX)}
mkdir -p "$work"
seconds=${SECONDS_PER_RUN:-3}
cflags="-O2 -g -fomit-frame-pointer -w"
failures=0
ran=0

# The git directory of a clone (or the bare repository itself).
git_dir() {
  if [ -d "$1/.git" ]; then echo "$1/.git"; else echo "$1"; fi
}

# export_tree SRC COMMIT DEST: the commit's files, without touching the user's clone.
export_tree() {
  rm -rf "$3"
  mkdir -p "$3"
  git --git-dir="$(git_dir "$1")" archive "$2" | tar -x -C "$3"
}

# check NAME DIR KIND SITE_REGEX: analyse DIR; KIND leaking or fixed.
check() {
  name=$1 dir=$2 kind=$3 site=$4
  json="$dir.analyze.json"
  if ! "$leakdbg" analyze "$dir" --json >"$json" 2>"$dir.analyze.err"; then
    # analyze exits non-zero when it finds a likely leak; the JSON is what counts.
    :
  fi
  if ! jq -e . "$json" >/dev/null 2>&1; then
    echo "FAIL $name $kind: analyze gave no JSON ($(head -1 "$dir.analyze.err"))"
    failures=$((failures + 1))
    return
  fi
  rank1=$(jq -r '.suspects[0] | if . == null then "none" else
      "\(.likely_leak) \(.site.function // "") \(.site.file // "" | split("/") | last):\(.site.line // 0)" end' "$json")
  leaks=$(jq '[.suspects[] | select(.likely_leak)] | length' "$json")
  if [ "$kind" = leaking ]; then
    # The documented site must be rank 1's label or, at least, a frame of its stack.
    in_stack=$(jq -r --arg re "$site" '[.suspects[0].frames[]?.function | select(test($re))] | length' "$json")
    case "$rank1" in
      true\ *) if echo "$rank1" | grep -Eq "$site" || [ "$in_stack" -gt 0 ]; then
                 echo "PASS $name leaking: rank 1 $rank1"
                 return
               fi ;;
    esac
    echo "FAIL $name leaking: rank 1 is '$rank1', expected likely_leak at /$site/"
    failures=$((failures + 1))
  else
    if [ "$leaks" -eq 0 ]; then
      echo "PASS $name fixed: no likely_leak (rank 1 $rank1)"
    else
      echo "FAIL $name fixed: $leaks likely_leak suspects, rank 1 $rank1"
      failures=$((failures + 1))
    fi
  fi
}

# run_case NAME KIND SITE_REGEX PROGRAM ARGS...
run_case() {
  name=$1 kind=$2 site=$3
  shift 3
  dir="$work/$name-$kind.snaps"
  rm -rf "$dir"
  if ! "$leakdbg" run -o "$dir" --interval 0.5 -- "$@" >"$dir.out" 2>"$dir.err"; then
    echo "FAIL $name $kind: the driver failed under leakdbg run ($(tail -1 "$dir.err"))"
    failures=$((failures + 1))
    return
  fi
  check "$name" "$dir" "$kind" "$site"
}

build_parson() {  # SRC COMMIT OUT
  export_tree "$1" "$2" "$3.src"
  cc $cflags -I"$3.src" -o "$3" "$here/parson_driver.c" "$3.src/parson.c"
}

build_yajl() {
  export_tree "$1" "$2" "$3.src"
  mkdir -p "$3.src/include/yajl"
  cp "$3.src"/src/api/*.h "$3.src/include/yajl/"
  sed -e 's/\${YAJL_MAJOR}/2/' -e 's/\${YAJL_MINOR}/0/' -e 's/\${YAJL_MICRO}/0/' \
    "$3.src/src/api/yajl_version.h.cmake" >"$3.src/include/yajl/yajl_version.h"
  cc $cflags -I"$3.src/include" -I"$3.src/src" -o "$3" "$here/yajl_driver.c" "$3.src"/src/*.c
}

build_iniparser() {
  export_tree "$1" "$2" "$3.src"
  cc $cflags -I"$3.src/src" -o "$3" "$here/iniparser_driver.c" "$3.src/src/iniparser.c" \
    "$3.src/src/dictionary.c"
}

# project NAME SRC LEAKING FIXED SITE_REGEX [DRIVER ARGS...]
project() {
  name=$1 src=$2 leaking=$3 fixed=$4 site=$5
  shift 5
  if [ -z "$src" ]; then
    echo "SKIP $name: set ${name}_SRC to a clone (see the top of this script)"
    return
  fi
  ran=$((ran + 1))
  for kind in leaking fixed; do
    if [ "$kind" = leaking ]; then commit=$leaking; else commit=$fixed; fi
    exe="$work/$name-$kind"
    if ! "build_$name" "$src" "$commit" "$exe" >"$exe.build.log" 2>&1; then
      echo "FAIL $name $kind: build of $commit failed (see $exe.build.log)"
      failures=$((failures + 1))
      continue
    fi
    run_case "$name" "$kind" "$site" "$exe" "$@"
  done
}

project parson "${PARSON_SRC:-}" 60b2c69f171f0a66e3ff5afa56de74660032f3d0 ab7f5e5401d45462f517f204e5ce52d80d7dbcd6 \
  'get_quoted_string|process_string|parse_object_value' "$seconds"
project yajl "${YAJL_SRC:-}" e2d080612f566205d16a65fdad05618f92774d4c \
  48c02bf339cbf056d9f202573d57a3d0a95deef2 'yajl_render_error_string|yajl_get_error' "$seconds"
project iniparser "${INIPARSER_SRC:-}" 3a2d60c583fbba48afb85ba830e1afc90da996aa \
  9ca5edc4967c565f84c6122c1322ca8981dd309f 'iniparser_getseckeys' \
  "$here/iniparser_sample.ini" "$seconds"

echo "$ran project(s) run, $failures failure(s); work files in $work"
[ "$failures" -eq 0 ] && [ "$ran" -gt 0 ]
