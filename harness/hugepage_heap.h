// Huge pages for the simulator's heap: a process-level speed knob, never a behaviour one.
//
// A simulation run builds its whole heap (~30 MB for a 10-minute chaos seed), in a sweep
// worker's first run on a freshly forked heap, and each 4 KB page is a page fault the first
// time it is touched (later runs in the worker reuse the pages: harness/process_pool.h). On the
// 2-core VMs CI uses, those faults were 12% of a seed's CPU time. glibc's malloc backs its
// heap with transparent huge pages when the tunable glibc.malloc.hugetlb=1 is set (the
// kernel's THP mode "madvise" is enough), and then a seed takes ~600 faults instead of
// ~5,400. Tunables are read only at process start, so the entry point re-executes itself
// once with the tunable added.
//
// Determinism (DESIGN.md §5) is untouched: nothing orders by address, and check-determinism
// already runs each seed against a perturbed heap.
#pragma once

#include <optional>
#include <string>

namespace alys::harness {

// The GLIBC_TUNABLES value to re-execute with, given the current GLIBC_TUNABLES and
// ALYS_HUGEPAGE_HEAP values (null when unset); nullopt when no re-exec is wanted.
std::optional<std::string> hugepage_heap_tunables(const char* tunables, const char* marker);

// Replaces this process with /proc/self/exe run again on `argv`, with
// glibc.malloc.hugetlb=1 appended to GLIBC_TUNABLES. Returns (doing nothing) when
// GLIBC_TUNABLES already names glibc.malloc.hugetlb, when ALYS_HUGEPAGE_HEAP is set (it is
// set for the re-executed process, so this happens once; set it to anything to opt out),
// or when the exec fails: the program then goes on with the ordinary heap.
// REQUIRES: called first thing in main, before any thread or output.
void reexec_with_hugepage_heap(char** argv);

}  // namespace alys::harness
