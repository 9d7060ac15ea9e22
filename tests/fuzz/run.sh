#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds the libFuzzer harnesses of tests/fuzz with clang, AddressSanitizer
# and UndefinedBehaviorSanitizer, and runs each for SECONDS (default 60).
# A crash, a leak, more than 200 MB of memory, or one input taking more than
# 10 s fails the run; the input is kept and the way to replay it is printed.
#
#   tests/fuzz/run.sh [SECONDS] [NAME…]     NAME: csv, xlsx, segments, … (default: all)
#
# Environment: FUZZ_BUILD_DIR (default _build-fuzz), FUZZ_WORK_DIR (default
# FUZZ_BUILD_DIR/fuzz: corpora that grow from run to run, crashes, logs),
# CC (default clang-14), FUZZ_ARGS (more libFuzzer options, such as -jobs=2).
set -euo pipefail

src=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
seconds=${1:-60}
[ $# -gt 0 ] && shift
case "$seconds" in
  ''|*[!0-9]*) echo "run.sh: SECONDS must be a whole number, not “$seconds” (try --help)" >&2; exit 2 ;;
esac

build=${FUZZ_BUILD_DIR:-$src/_build-fuzz}
work=${FUZZ_WORK_DIR:-$build/fuzz}

# Every harness is a fuzz-NAME.c.
if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for f in "$src"/tests/fuzz/fuzz-*.c; do
    n=$(basename "$f" .c); n=${n#fuzz-}
    [[ $n == *-seeds ]] || names+=("$n")
  done
fi
for n in "${names[@]}"; do
  [ -f "$src/tests/fuzz/fuzz-$n.c" ] || { echo "run.sh: no harness tests/fuzz/fuzz-$n.c" >&2; exit 2; }
done

echo "== Building the fuzz harnesses in $build"
if [ ! -f "$build/build.ninja" ]; then
  CC=${CC:-clang-14} meson setup "$build" "$src" -Dfuzzing=true \
    -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized
fi
targets=()
for n in "${names[@]}"; do
  targets+=("tests/fuzz/fuzz-$n")
  [ -f "$src/tests/fuzz/fuzz-$n-seeds.c" ] && targets+=("tests/fuzz/fuzz-$n-seeds")
done
# ninja, not meson compile: it regenerates the build when a meson.build changed.
ninja -C "$build" "${targets[@]}"

export ASAN_OPTIONS=${FUZZ_ASAN_OPTIONS:-detect_leaks=1:quarantine_size_mb=32:malloc_context_size=20}
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$src/tests/lsan.supp:print_suppressions=0
symbolizer=$(command -v llvm-symbolizer-14 || command -v llvm-symbolizer || true)
[ -n "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH=$symbolizer
export LC_ALL=C.UTF-8 LANGUAGE=en
unset G_DEBUG

mkdir -p "$work/corpus" "$work/crashes" "$work/logs" "$work/seeds"
summary=()
failures=()
for n in "${names[@]}"; do
  exe=$build/tests/fuzz/fuzz-$n
  corpus=$work/corpus/$n
  log=$work/logs/$n.log
  mkdir -p "$corpus"

  # Seeds: tests/fuzz/seeds/NAME, the folders fuzz-NAME.seeds lists, and
  # what fuzz-NAME-seeds writes.
  dirs=()
  [ -d "$src/tests/fuzz/seeds/$n" ] && dirs+=("$src/tests/fuzz/seeds/$n")
  if [ -f "$src/tests/fuzz/fuzz-$n.seeds" ]; then
    while read -r d; do
      [ -n "$d" ] && [ "${d:0:1}" != "#" ] && dirs+=("$src/$d")
    done < "$src/tests/fuzz/fuzz-$n.seeds"
  fi
  if [ -x "$build/tests/fuzz/fuzz-$n-seeds" ]; then
    rm -rf "$work/seeds/$n"
    "$build/tests/fuzz/fuzz-$n-seeds" "$src" "$work/seeds/$n"
    dirs+=("$work/seeds/$n")
  fi
  args=(-max_total_time="$seconds" -rss_limit_mb=200 -timeout=10 -print_final_stats=1
        -artifact_prefix="$work/crashes/$n-")
  [ -f "$src/tests/fuzz/fuzz-$n.dict" ] && args+=(-dict="$src/tests/fuzz/fuzz-$n.dict")
  # shellcheck disable=SC2206
  args+=(${FUZZ_ARGS:-})

  echo "== fuzz-$n: $seconds s (log: $log)"
  rm -rf "$work/tmp"; mkdir -p "$work/tmp"
  status=0
  TMPDIR=$work/tmp timeout --kill-after=30 $((seconds + 600)) \
    "$exe" "${args[@]}" "$corpus" "${dirs[@]}" > "$log" 2>&1 || status=$?

  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  units=$(find "$corpus" -type f | wc -l)
  # With -fork=N (FUZZ_ARGS) the parent prints its own lines, and counts
  # the failures its children had instead of stopping at the first.
  lost=
  forked=$(grep -E '^#[0-9]+: cov:' "$log" | tail -1 || true)
  if [ -z "$runs" ] && [ -n "$forked" ]; then
    runs=$(echo "$forked" | sed -n 's/^#\([0-9]*\):.*/\1/p')
    elapsed=$(echo "$forked" | sed -n 's/.* time: \([0-9]*\)s.*/\1/p')
    [ -n "$elapsed" ] && [ "$elapsed" -gt 0 ] && speed=$((runs / elapsed))
    lost=$(echo "$forked" | sed -n 's/.*oom\/timeout\/crash: \([0-9\/]*\).*/\1/p')
    if [ -n "$lost" ] && [ "$lost" != "0/0/0" ] && [ "$status" -eq 0 ]; then
      status=1
      echo "$forked" >> "$log"
    fi
  fi
  if [ "$status" -eq 0 ]; then
    result=ok
  elif [ -n "${lost:-}" ] && [ "$lost" != "0/0/0" ]; then
    result="failures: oom/timeout/crash $lost"
    failures+=("$n")
  else
    if grep -q "ERROR: libFuzzer: out-of-memory" "$log"; then result="out of memory"
    elif grep -q "ERROR: libFuzzer: timeout" "$log"; then result="timeout"
    elif grep -q "ERROR: LeakSanitizer" "$log"; then result="leak"
    elif grep -q "ERROR: AddressSanitizer" "$log"; then
      result="memory error: $(sed -n 's/.*ERROR: AddressSanitizer: \([a-z-]*\).*/\1/p' "$log" | head -1)"
    elif grep -q "runtime error:" "$log"; then result="undefined behaviour"
    elif grep -q "property .* broken" "$log"; then result="property broken"
    elif grep -q "ERROR: libFuzzer: deadly signal" "$log"; then result="crash"
    elif [ "$status" -ge 124 ]; then result="hung (killed by timeout)"
    else result="failed (exit $status)"
    fi
    failures+=("$n")
  fi
  summary+=("$(printf '%-10s %-28s %12s %8s %7s %6s' "$n" "$result" "${runs:-?}" "${speed:-?}" "$units" "${rss:-?}")")

  if [ "$status" -ne 0 ]; then
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | sort -u | tr '\n' ' ')
    echo "!! fuzz-$n: $result"
    # The report: from the first error line, at most 60 lines.
    grep -n -m1 -E "ERROR: |runtime error:|(ERROR|CRITICAL|WARNING) \*\*:" "$log" | cut -d: -f1 |
      while read -r line; do sed -n "$((line > 3 ? line - 3 : 1)),$((line + 60))p" "$log"; done
    if [ -n "$artifact" ]; then
      echo "!! input kept: $artifact"
      echo "!! replay it:  $exe $artifact"
    fi
  fi
done

echo
echo "== Fuzzing summary ($seconds s per harness)"
printf '%-10s %-28s %12s %8s %7s %6s\n' harness result executions exec/s corpus RSS-MB
printf '%s\n' "${summary[@]}"
if [ ${#failures[@]} -gt 0 ]; then
  echo "FUZZING FAILED: ${failures[*]} (inputs in $work/crashes, logs in $work/logs; see tests/fuzz/README)"
  exit 1
fi
