#!/usr/bin/env bash
# Builds the libFuzzer decoder targets (core/fuzz) with Clang in build/fuzz and runs each on
# its seed corpus (core/fuzz/corpus/<target>). Exits non-zero if any target crashes, trips
# an ASan/UBSan report, an ALYS_ASSERT/round-trip check, a timeout or the allocation limit.
#
# Usage:
#   scripts/fuzz.sh [runs] [target...]         bounded (CI): -runs=runs each (default 20000)
#   scripts/fuzz.sh --long [seconds] [target...]
#                                              long run: -max_total_time=seconds each
#                                              (default 600, i.e. ~2.5 h for all); new
#                                              coverage is kept in build/fuzz/corpus/<target>
# Targets are the fuzz_<name>.cc files, named without the prefix (e.g. transaction auxpow);
# default all. Crash inputs land in build/fuzz/artifacts/<target>/; replay one with
#   build/fuzz/core/fuzz/fuzz_<target> <file>
# To fold new coverage back into the seeds: fuzz_<target> -merge=1 core/fuzz/corpus/<target>
# build/fuzz/corpus/<target> (keep seeds few and small).
#
# Needs clang, clang++ and libFuzzer's runtime (Debian: clang, libclang-rt-dev; for
# symbolized reports, llvm). ALYS_FUZZ_CC/ALYS_FUZZ_CXX override the compilers (used when
# build/fuzz is first configured); ALYS_BUILD_JOBS the -j. ALYS_FUZZ_TREE names another
# build tree that already has the targets (CI: build/asan, which scripts/build.sh asan
# configures with Clang and ALYS_FUZZ, so the library is compiled once for tests and fuzzers).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=runs
budget=20000
if [[ ${1:-} == --long ]]; then
  mode=long
  budget=600
  shift
fi
if [[ ${1:-} =~ ^[0-9]+$ ]]; then
  budget=$1
  shift
fi
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  for src in core/fuzz/fuzz_*.cc; do
    name=${src##*/fuzz_}
    targets+=("${name%.cc}")
  done
fi

# Largest input worth trying per target: a little beyond the longest valid encoding we care
# about, so length checks are hit without wasting executions on huge inputs.
max_len_for() {
  case $1 in
    bech32 | address) echo 128 ;;  # bech32 strings are at most 90 characters
    compact | duration) echo 64 ;;  # 4 bytes of bits + a 32-byte hash; config durations
    demo_counter) echo 16 ;;        # 8-byte frames
    block_header | hash256 | keys) echo 256 ;;
    hex | script | byte_reader) echo 1024 ;;
    block) echo 8192 ;;
    *) echo 4096 ;;  # transaction, auxpow, pegin
  esac
}

scripts/setup.sh fuzz
cc=${ALYS_FUZZ_CC:-clang}
cxx=${ALYS_FUZZ_CXX:-clang++}
if ! command -v "$cxx" >/dev/null || ! command -v "$cc" >/dev/null; then
  echo "fuzz.sh: $cc/$cxx not found (Debian: apt-get install clang libclang-rt-dev)" >&2
  exit 2
fi

dir=${ALYS_FUZZ_TREE:-build/fuzz}
if [[ ! -f $dir/build.ninja ]]; then
  cmake -G Ninja -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
    -DALYS_FUZZ=ON -DALYS_BUILD_TESTS=OFF -DALYS_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$dir" -j "${ALYS_BUILD_JOBS:-$(nproc)}" --target alys_fuzzers

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Seconds since a `date +%s%N` stamp, to a hundredth.
elapsed() {
  local cs=$((($(date +%s%N) - $1) / 10000000))
  printf '%d.%02ds' $((cs / 100)) $((cs % 100))
}

failed=()
for t in "${targets[@]}"; do
  exe=$dir/core/fuzz/fuzz_$t
  seeds=core/fuzz/corpus/$t
  if [[ ! -x $exe || ! -d $seeds ]]; then
    echo "fuzz.sh: unknown target '$t' (no $exe or $seeds)" >&2
    failed+=("$t")
    continue
  fi
  work=$dir/corpus/$t
  artifacts=$dir/artifacts/$t
  mkdir -p "$work" "$artifacts"
  if [[ $mode == long ]]; then limit=(-max_total_time="$budget"); else limit=(-runs="$budget"); fi
  log=$dir/fuzz_$t.log
  start=$(date +%s%N)
  # The writable work dir comes first: libFuzzer adds new inputs there, never to the seeds.
  # -malloc_limit_mb=1: inputs are at most 8 KB, so any single allocation over 1 MB means a
  # decoder reserved from an unchecked length (DESIGN.md §4: caps before reserving).
  if "$exe" "${limit[@]}" -max_len="$(max_len_for "$t")" -timeout=10 -rss_limit_mb=2048 \
       -malloc_limit_mb=1 -print_final_stats=1 -artifact_prefix="$artifacts/" \
       "$work" "$seeds" >"$log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz_$t: ok, ${execs:-?} executions in $(elapsed "$start")"
  else
    echo "fuzz_$t: FAILED after $(elapsed "$start") (log $log):"
    grep -E "ERROR|assertion failed|runtime error|Test unit written|SUMMARY" "$log" | head -20 || true
    failed+=("$t")
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz.sh: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: all ${#targets[@]} targets passed"
