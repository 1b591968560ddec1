// The memory budget (node/memory_budget.h): each term moves with its limit, the peer count
// is capped by tcp_connections_max, the profiles order as their comments say, and the
// exact terms (the seen cache) are what the structure allocates; `alys-node budget` prints it.
#include "node/memory_budget.h"

#include <gtest/gtest.h>

#include <string>

#include "node/budget_command.h"

namespace alys::node {
namespace {

using config::NodeLimits;
using config::Profile;

std::uint64_t term(const MemoryBudget& b, const std::string& name) {
  for (const BudgetTerm& t : b.terms) {
    if (t.name == name) return t.bytes;
  }
  ADD_FAILURE() << "no term " << name;
  return 0;
}

TEST(MemoryBudget, MallocChunksAreGlibcs) {
  EXPECT_EQ(malloc_chunk_bytes(0), 32u);
  EXPECT_EQ(malloc_chunk_bytes(24), 32u);
  EXPECT_EQ(malloc_chunk_bytes(25), 48u);
  EXPECT_EQ(malloc_chunk_bytes(1000), 1008u);
}

TEST(MemoryBudget, TheSeenCacheTermIsWhatTheCacheAllocates) {
  NodeLimits l;
  l.seen_cache_max = 4096;
  // 4096 ids of 32 bytes and an index of 8192 8-byte entries.
  EXPECT_EQ(term(memory_budget(l, 1), "seen cache"), 4096u * 32 + 8192u * 8);
  l.seen_cache_max = 5000;  // the index rounds up to 16384 entries
  EXPECT_EQ(term(memory_budget(l, 1), "seen cache"), 5000u * 32 + 16384u * 8);
}

TEST(MemoryBudget, TermsGrowWithTheirLimitsAndNothingElse) {
  const NodeLimits base;
  const ItemBounds items = ItemBounds::for_frames_up_to(4096);
  const MemoryBudget b0 = memory_budget(base, 4, items);
  NodeLimits more = base;
  more.mempool_max *= 2;
  const MemoryBudget b1 = memory_budget(more, 4, items);
  EXPECT_EQ(term(b1, "mempool"), 2 * term(b0, "mempool"));
  EXPECT_EQ(b1.total_bytes() - b0.total_bytes(), term(b0, "mempool"));

  more = base;
  more.mailbox_chain = base.mailbox_chain * 2;
  EXPECT_GT(term(memory_budget(more, 4, items), "mailbox chain"), term(b0, "mailbox chain"));
  EXPECT_EQ(term(memory_budget(more, 4, items), "mailbox network"), term(b0, "mailbox network"));

  // Per-connection terms scale with the peers.
  const MemoryBudget b8 = memory_budget(base, 8, items);
  EXPECT_EQ(term(b8, "tcp send queues"), 2 * term(b0, "tcp send queues"));
  EXPECT_EQ(term(b8, "tcp read backlog"), 2 * term(b0, "tcp read backlog"));
}

TEST(MemoryBudget, PeersBeyondTheConnectionCapCostNothingMore) {
  NodeLimits l;
  l.tcp_connections_max = 10;
  const ItemBounds items = ItemBounds::for_frames_up_to(1024);
  EXPECT_EQ(memory_budget(l, 10, items).total_bytes(), memory_budget(l, 1000, items).total_bytes());
  EXPECT_LT(memory_budget(l, 9, items).total_bytes(), memory_budget(l, 10, items).total_bytes());
}

TEST(MemoryBudget, ProfilesOrderAsDocumentedAndTheWorstCaseBoundsEveryTraffic) {
  const NodeLimits conservative = config::profile_limits(Profile::kResourceConservative);
  const NodeLimits defaults;
  const NodeLimits throughput = config::profile_limits(Profile::kHighThroughput);
  auto total = [](const NodeLimits& l) {
    return memory_budget(l, static_cast<std::size_t>(l.tcp_connections_max)).total_bytes();
  };
  EXPECT_LT(total(conservative), total(defaults));
  EXPECT_LT(total(defaults), total(throughput));
  // Smaller items, smaller budget; the worst case is the largest.
  EXPECT_LT(memory_budget(conservative, 16, ItemBounds::for_frames_up_to(1024)).total_bytes(),
            memory_budget(conservative, 16, ItemBounds::for_frames_up_to(65536)).total_bytes());
  EXPECT_LT(memory_budget(conservative, 16, ItemBounds::for_frames_up_to(65536)).total_bytes(),
            memory_budget(conservative, 16).total_bytes());
  EXPECT_NE(memory_budget(conservative, 16).to_string().find("total"), std::string::npos);
}

TEST(BudgetCommand, PrintsTheBudgetOfTheLimitsAndRefusesBadOnesNamingThem) {
  BudgetOptions o;
  o.profile = "resource-conservative";
  o.limits = {"mempool_max=6000"};
  o.no_bridge = true;
  testing::internal::CaptureStdout();
  EXPECT_EQ(budget_command(o), 0);
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("64 connections (of tcp_connections_max 64)"), std::string::npos) << out;
  EXPECT_NE(out.find("mempool"), std::string::npos);
  EXPECT_NE(out.find("total"), std::string::npos);
  EXPECT_EQ(out.find("mailbox bridge"), std::string::npos);

  BudgetOptions bad;
  bad.profile = "huge";
  testing::internal::CaptureStderr();
  EXPECT_EQ(budget_command(bad), 2);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("--profile: 'huge'"), std::string::npos);
  bad = BudgetOptions{};
  bad.limits = {"mempool_max=0"};
  testing::internal::CaptureStderr();
  EXPECT_EQ(budget_command(bad), 2);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("mempool_max"), std::string::npos);
}

}  // namespace
}  // namespace alys::node
