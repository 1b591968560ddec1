// OsRandom is shared by every actor of a node, and those actors run on parallel strands:
// draws from several threads at once must neither race (the TSan run checks) nor hand two
// callers the same value.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

#include "runtime-real/os_random.h"

namespace alys::real {
namespace {

TEST(OsRandom, ConcurrentDrawsNeverRepeatAValue) {
  OsRandom random;
  constexpr int kThreads = 4;
  constexpr int kDraws = 20000;
  std::vector<std::vector<std::uint64_t>> drawn(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&random, &mine = drawn[t]] {
      mine.reserve(kDraws);
      for (int i = 0; i < kDraws; ++i) mine.push_back(random.next());
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<std::uint64_t> all;
  for (const auto& mine : drawn) all.insert(all.end(), mine.begin(), mine.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end())
      << "two draws returned the same value";
}

TEST(OsRandom, TwoInstancesDrawDifferentStreams) {
  OsRandom a;
  OsRandom b;
  int same = 0;
  for (int i = 0; i < 64; ++i) same += a.next() == b.next() ? 1 : 0;
  EXPECT_LT(same, 2);
}

TEST(OsRandom, BitsAreBalanced) {
  OsRandom random;
  constexpr int kDraws = 4096;
  std::vector<int> ones(64, 0);
  for (int i = 0; i < kDraws; ++i) {
    const std::uint64_t v = random.next();
    for (int bit = 0; bit < 64; ++bit) ones[bit] += static_cast<int>((v >> bit) & 1u);
  }
  // Each bit is Binomial(4096, 1/2): sd 32; 6 sd either side fails a fair source ~1e-9.
  for (int bit = 0; bit < 64; ++bit) {
    EXPECT_GT(ones[bit], kDraws / 2 - 192) << "bit " << bit;
    EXPECT_LT(ones[bit], kDraws / 2 + 192) << "bit " << bit;
  }
}

}  // namespace
}  // namespace alys::real
