#!/usr/bin/env bash
# Builds the libFuzzer targets with Clang in build/fuzz and runs each on its seed corpus.
# Targets are the <module>/fuzz/fuzz_<name>.cc files: every wire/text decoder and the config
# parsers of core (core/fuzz), the JSON-RPC handler and the node's TOML files (node/fuzz),
# the scenario loader (scenarios/fuzz); docs/fuzzing.md says what each checks. Exits
# non-zero if any target crashes, trips an ASan/UBSan report, an ALYS_ASSERT/FUZZ_CHECK, a
# timeout or the allocation limit.
#
# Usage:
#   scripts/fuzz.sh [runs] [target...]         bounded (CI): -runs=runs each (default 20000)
#   scripts/fuzz.sh --execs N [target...]      long run by count: -runs=N each (the
#                                              documented long run: N = 1000000)
#   scripts/fuzz.sh --long [seconds] [target...]
#                                              long run by time: -max_total_time=seconds each
#                                              (default 600)
# Targets are named without the prefix (e.g. transaction jsonrpc scenario); default all.
# Only the named targets are built. Each prints its executions, exec/s and final corpus
# size. New coverage is kept in build/fuzz/corpus/<target> (never in the seeds); crash
# inputs land in build/fuzz/artifacts/<target>/; replay one with
#   build/fuzz/<module>/fuzz/fuzz_<target> <file>
# To fold new coverage back into the seeds (keep seeds few and small):
#   fuzz_<target> -merge=1 <module>/fuzz/corpus/<target> build/fuzz/corpus/<target>
# A <module>/fuzz/fuzz_<target>.dict, if present, is passed as -dict (the text targets' keys
# and tokens: their parsers' libraries are not instrumented, so libFuzzer cannot learn them).
#
# Needs clang, clang++ and libFuzzer's runtime (Debian: clang, libclang-rt-dev; for
# symbolized reports, llvm). ALYS_FUZZ_CC/ALYS_FUZZ_CXX override the compilers (used when
# build/fuzz is first configured); ALYS_BUILD_JOBS the -j. ALYS_FUZZ_TREE names another
# build tree that already has the targets (CI: build/asan, which scripts/build.sh asan
# configures with Clang and ALYS_FUZZ, so the library is compiled once for tests and fuzzers).
# ALYS_FUZZ_NO_BUILD=1 runs the targets as built, without building (a second run beside one
# that is running: two builds must not share a tree at once).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=runs
budget=20000
if [[ ${1:-} == --long ]]; then
  mode=long
  budget=600
  shift
elif [[ ${1:-} == --execs ]]; then
  mode=execs
  budget=${2:?"--execs needs a count"}
  shift 2
fi
if [[ ${1:-} =~ ^[0-9]+$ ]]; then
  budget=$1
  shift
fi

# Every target, as name -> module folder (core, node, scenarios).
declare -A module_of
all=()
for src in */fuzz/fuzz_*.cc; do
  name=${src##*/fuzz_}
  name=${name%.cc}
  module_of[$name]=${src%%/*}
  all+=("$name")
done
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then targets=("${all[@]}"); fi

# Largest input worth trying per target: a little beyond the longest valid encoding we care
# about, so length checks are hit without wasting executions on huge inputs.
max_len_for() {
  case $1 in
    bech32 | address) echo 128 ;;  # bech32 strings are at most 90 characters
    compact | duration) echo 64 ;;  # 4 bytes of bits + a 32-byte hash; config durations
    demo_counter) echo 16 ;;        # 8-byte frames
    block_header | hash256 | keys) echo 256 ;;
    limit_settings) echo 512 ;;     # a few key=value pairs
    hex | script | byte_reader) echo 1024 ;;
    block) echo 8192 ;;
    *) echo 4096 ;;  # transaction, auxpow, pegin; JSON-RPC bodies, node files, scenarios
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
build_targets=()
for t in "${targets[@]}"; do
  if [[ -n ${module_of[$t]:-} ]]; then build_targets+=("fuzz_$t"); fi
done
if [[ ${#build_targets[@]} -gt 0 && -z ${ALYS_FUZZ_NO_BUILD:-} ]]; then
  cmake --build "$dir" -j "${ALYS_BUILD_JOBS:-$(nproc)}" --target "${build_targets[@]}"
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Seconds since a `date +%s%N` stamp, to a hundredth.
elapsed() {
  local cs=$((($(date +%s%N) - $1) / 10000000))
  printf '%d.%02ds' $((cs / 100)) $((cs % 100))
}

# Sets cpu_ms to the CPU time (user + system) of this shell's finished children so far, in
# milliseconds: the second line of `times`, which must run in this shell, not in $(...)
# (a subshell starts its own count).
cpu_file=$(mktemp)
trap 'rm -f "$cpu_file"' EXIT
children_cpu_ms() {
  times >"$cpu_file"
  cpu_ms=$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/);
                          printf "%d\n", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000 }' "$cpu_file")
}

failed=()
for t in "${targets[@]}"; do
  module=${module_of[$t]:-}
  exe=$dir/$module/fuzz/fuzz_$t
  seeds=$module/fuzz/corpus/$t
  if [[ -z $module || ! -x $exe || ! -d $seeds ]]; then
    if [[ -z $module ]]; then why="no */fuzz/fuzz_$t.cc"; else why="no $exe or no $seeds"; fi
    echo "fuzz.sh: unknown target '$t' ($why)" >&2
    failed+=("$t")
    continue
  fi
  work=$dir/corpus/$t
  artifacts=$dir/artifacts/$t
  mkdir -p "$work" "$artifacts"
  case $mode in
    long) limit=(-max_total_time="$budget") ;;
    execs) limit=(-runs="$budget") ;;
    runs) limit=(-runs="$budget") ;;
  esac
  dict=()
  if [[ -f $module/fuzz/fuzz_$t.dict ]]; then dict=(-dict="$module/fuzz/fuzz_$t.dict"); fi
  log=$dir/fuzz_$t.log
  start=$(date +%s%N)
  children_cpu_ms
  cpu_start=$cpu_ms
  # The writable work dir comes first: libFuzzer adds new inputs there, never to the seeds.
  # -malloc_limit_mb=1: inputs are at most 8 KB, so any single allocation over 1 MB means a
  # decoder reserved from an unchecked length (DESIGN.md §4: caps before reserving).
  if "$exe" "${limit[@]}" "${dict[@]}" -max_len="$(max_len_for "$t")" -timeout=10 -rss_limit_mb=2048 \
       -malloc_limit_mb=1 -print_final_stats=1 -artifact_prefix="$artifacts/" \
       "$work" "$seeds" >"$log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    # libFuzzer's own average rounds the time to whole seconds; these are per second of wall
    # time and per second of the target's CPU time (the machine may be shared).
    ns=$(($(date +%s%N) - start))
    rate=$((${execs:-0} * 1000000000 / (ns > 0 ? ns : 1)))
    children_cpu_ms
    cpu_ms=$((cpu_ms - cpu_start))
    cpu_rate=$((${execs:-0} * 1000 / (cpu_ms > 0 ? cpu_ms : 1)))
    # The last status line: "#N DONE cov: C ft: F corp: inputs/bytes ..." (the corpus in
    # memory: seeds and what this and earlier runs kept).
    corpus=$(sed -n 's/^#[0-9]*[[:space:]]*DONE.* corp: \([0-9]*\)\/\([^ ]*\).*/\1 inputs, \2/p' "$log")
    echo "fuzz_$t: ok, ${execs:-?} executions in $(elapsed "$start") ($((cpu_ms / 1000)).$(printf '%03d' $((cpu_ms % 1000)))s CPU)," \
      "$rate exec/s ($cpu_rate per CPU second), corpus ${corpus:-?}"
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
