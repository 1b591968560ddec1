// alys-bench's entry point: Google Benchmark's usual main, run as alys-sim runs, so the
// sweep benchmarks measure what `alys-sim sweep` does: with the simulator's huge-page heap
// (harness/hugepage_heap.h) and signing through the fixed-base table
// (core/crypto/fixed_base_signing.h; BM_SchnorrSign switches it off for itself).
#include <benchmark/benchmark.h>

#include "core/crypto/fixed_base_signing.h"
#include "harness/hugepage_heap.h"

int main(int argc, char** argv) {
  alys::harness::reexec_with_hugepage_heap(argv);
  alys::use_variable_time_signing(true);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
