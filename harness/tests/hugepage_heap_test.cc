// When the simulator re-executes itself for a huge-page heap, and with which tunables
// (harness/hugepage_heap.h).
#include <gtest/gtest.h>

#include "harness/hugepage_heap.h"

namespace alys::harness {
namespace {

TEST(HugepageHeap, AddsTheTunableWhenNoneIsSet) {
  EXPECT_EQ(hugepage_heap_tunables(nullptr, nullptr), "glibc.malloc.hugetlb=1");
  EXPECT_EQ(hugepage_heap_tunables("", nullptr), "glibc.malloc.hugetlb=1");
}

TEST(HugepageHeap, KeepsTheOperatorsOtherTunables) {
  EXPECT_EQ(hugepage_heap_tunables("glibc.malloc.arena_max=2", nullptr),
            "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1");
}

TEST(HugepageHeap, NeverOverridesAChosenHugetlbNorReExecutesTwice) {
  EXPECT_FALSE(hugepage_heap_tunables("glibc.malloc.hugetlb=0", nullptr).has_value());
  EXPECT_FALSE(hugepage_heap_tunables("a=1:glibc.malloc.hugetlb=2", nullptr).has_value());
  EXPECT_FALSE(hugepage_heap_tunables(nullptr, "1").has_value());  // already re-executed
  EXPECT_FALSE(hugepage_heap_tunables(nullptr, "0").has_value());  // opted out
}

}  // namespace
}  // namespace alys::harness
