#!/usr/bin/env bash
# ThreadSanitizer run of the multi-threaded runtime: the Asio-side tests (actor system on
# Asio, executor, TCP transport, LevelDB storage; issue 3, 8) and the real-runtime node
# tests (three whole Alys nodes, every domain actor on its own Asio strand); builds them with
# -fsanitize=thread and runs them; exits non-zero on any TSan report or test failure.
#   runtime-real/tests/run_tsan.sh [build-dir]        (default: build-tsan under the repo)
# Test sources at -O0 (actor_suite_test.cc: 27 s at -O1, 19 s at -O0 under TSan); the
# libraries stay at -O1.
# -Wno-tsan: GCC warns that Asio's atomic_thread_fence is not modelled by TSan; Asio's
# handler queues are mutex-protected, and the run is what we check.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build-tsan}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" \
  -DALYS_BUILD_BENCH=OFF -DALYS_BUILD_TESTS=ON -DALYS_TEST_OPT_FLAGS=-O0 \
  -DCMAKE_CXX_FLAGS="-fsanitize=thread -fno-omit-frame-pointer -Wno-tsan" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread"
cmake --build "$build" --target runtime_real_tests node_tests -j "$(nproc)"
# The ten-kill crash, devnet, conformance and load-test process tests are whole-network
# process runs (minutes under TSan; the load test's about 15 s), and the flood test
# measures alys-node processes' memory (flood_test.cc); they run in the release and ASan
# trees. Every other node test runs here (the load tool's generator and monitor threads
# too, against a scripted in-process node: load_generator_test.cc).
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" "$build/runtime-real/runtime_real_tests"
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" "$build/node/node_tests" \
  --gtest_filter='-Crash.*:Devnet.*:Conformance.*:LoadTestProcess.*:Flood.*'

