// alys-bench's entry point: Google Benchmark's usual main, run with the simulator's
// huge-page heap (harness/hugepage_heap.h) so the sweep benchmarks measure what
// `alys-sim sweep` does.
#include <benchmark/benchmark.h>

#include "harness/hugepage_heap.h"

int main(int argc, char** argv) {
  alys::harness::reexec_with_hugepage_heap(argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
