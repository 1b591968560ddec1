#!/usr/bin/env bash
# Configures and builds one build tree. Usage: scripts/build.sh [release|asan|dist|pgo] [ninja targets...]
#   release  build/release: optimised, assertions (ALYS_ASSERT) on, tests and benchmarks
#   asan     build/asan: Clang, AddressSanitizer + UndefinedBehaviorSanitizer, the tests and
#            the libFuzzer targets (no benchmarks)
#   dist     build/dist: what an operator installs (alys-node, alys-sim): optimised, no
#            tests, no benchmarks, and so no planted bugs (ALYS_PLANTED_BUGS follows tests)
#   pgo      build/pgo: alys-sim and alys-bench for long sweeps, compiled with a profile of
#            the simulator and with LTO (scripts/build_pgo.sh; takes no targets)
# Uses Ninja and ccache; a second run rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

preset=${1:-release}
shift || true
case "$preset" in
  release) dir=build/release; flags=(-DCMAKE_BUILD_TYPE=Release) ;;
  # -O1 -g1: half the compile time of -O2 -g under ASan+UBSan (chain_actor.cc: 43 s against
  # 80 s), still line numbers in every report. Clang, not GCC: a second compiler catches
  # what GCC lets through (it found an argument-evaluation-order bug that changed the
  # federation's address), compiles this tree about a fifth faster, and with libFuzzer's
  # coverage hooks (ALYS_FUZZ) the same tree also holds the fuzz targets, so CI builds the
  # library once for both (scripts/fuzz.sh with ALYS_FUZZ_TREE=build/asan).
  # Test sources at -O0: under ASan, Clang's -O1 spends most of a test file's compile in
  # the optimizer (actor_suite_test.cc: 57 s at -O1, 15 s at -O0), and the code under test
  # lives in the libraries, which stay at -O1; so do the whole-run scenario tests
  # (alys_test WHOLE_RUNS, cmake/ProjectTarget.cmake).
  asan) dir=build/asan; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DALYS_SANITIZE=ON -DALYS_BUILD_BENCH=OFF
                               -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DALYS_FUZZ=ON
                               -DALYS_TEST_OPT_FLAGS=-O0
                               "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG"
                               "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG") ;;
  pgo) exec scripts/build_pgo.sh ;;
  dist) dir=build/dist; flags=(-DCMAKE_BUILD_TYPE=Release -DALYS_BUILD_TESTS=OFF -DALYS_BUILD_BENCH=OFF) ;;
  *) echo "build.sh: unknown preset '$preset' (release|asan|dist|pgo)" >&2; exit 2 ;;
esac

if [[ ! -f $dir/build.ninja ]]; then
  cmake -G Ninja -S . -B "$dir" "${flags[@]}" >/dev/null
fi
jobs=${ALYS_BUILD_JOBS:-$(nproc)}
cmake --build "$dir" -j "$jobs" ${1:+--target "$@"}
