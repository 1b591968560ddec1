// BlockTree: fork choice (longest chain, ties keep the first seen), the canonical index and
// reorg reports, finality (extends_finalized, head never leaves the finalized chain),
// pow_view, approvals and quorum; plus a RapidCheck property over random trees inserted in
// random (parent-first) order.
#include <gtest/gtest.h>
#include <tuple>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/chain/block.h"
#include "core/chain/block_tree.h"
#include "core/chain/chain_spec.h"
#include "core/crypto/tagged_hash.h"

namespace alys {
namespace {

Hash256 label_hash(const std::string& label) { return tagged_hash("test/tree", as_bytes(label)); }

SignedBlock genesis_block() {
  ChainSpec spec;
  spec.chain_id = 7;
  return make_genesis(spec, label_hash("genesis state"));
}

// Approvals from authorities 0..n-1 (the tree does not check signatures): approved.
void approve_by_all(SignedBlock& b, std::size_t n) {
  for (std::uint32_t i = 0; i < n; ++i) {
    Approval a;
    a.authority_index = i;
    b.approvals.push_back(a);
  }
}

// A block on `parent` at `height`; `tag` makes siblings distinct.
SignedBlock child(const Hash256& parent, std::uint64_t height, const std::string& tag) {
  SignedBlock b;
  b.block.parent_hash = parent;
  b.block.height = height;
  b.block.slot = height;
  b.block.payload.state_root = label_hash(tag);
  return b;
}

// A tree plus named blocks, for readable tests.
class TreeBuilder {
 public:
  explicit TreeBuilder(std::size_t authorities = 4)
      : authorities_(authorities), tree_(genesis_block(), authorities) {
    names_["G"] = tree_.genesis().hash;
  }

  // Inserts `name` on `parent` (a name); returns the HeadChange.
  HeadChange add(const std::string& name, const std::string& parent,
                 std::optional<std::uint32_t> pow_bits = std::nullopt,
                 std::optional<std::string> range_end = std::nullopt, bool approved = true) {
    const Hash256 p = names_.at(parent);
    SignedBlock b = child(p, tree_.get(p)->block.block.height + 1, name);
    // Later blocks take later slots, as they do on a real chain: of two equal-height
    // blocks the one added first has the lower slot (and so wins the tie).
    b.block.slot = ++next_slot_;
    if (approved) approve_by_all(b, authorities_);
    if (pow_bits) {
      AuxPowHeader h;
      h.range_start = label_hash("arbitrary start " + name);
      h.range_end = range_end ? names_.at(*range_end) : label_hash("arbitrary end " + name);
      h.bits = *pow_bits;
      h.chain_id = 7;
      h.height = b.block.height;
      b.block.auxpow_header = h;
    }
    const Hash256 hash = block_hash(b.block);
    names_[name] = hash;
    return tree_.insert(std::move(b), hash);
  }
  // Inserts a chain of blocks named prefix+index, heights from the parent's + 1.
  void add_chain(const std::string& parent, const std::vector<std::string>& names) {
    std::string p = parent;
    for (const std::string& n : names) {
      add(n, p);
      p = n;
    }
  }

  const Hash256& operator[](const std::string& name) const { return names_.at(name); }
  BlockTree& tree() { return tree_; }
  ChainPoint point(const std::string& name) const {
    return ChainPoint{names_.at(name), tree_.get(names_.at(name))->block.block.height};
  }

 private:
  std::size_t authorities_;
  BlockTree tree_;
  std::map<std::string, Hash256> names_;
  std::uint64_t next_slot_ = 0;
};

TEST(BlockTree, StartsAtGenesis) {
  const SignedBlock g = genesis_block();
  BlockTree tree(g, 4);
  const Hash256 gh = block_hash(g.block);
  EXPECT_EQ(tree.size(), 1u);
  EXPECT_EQ(tree.head().hash, gh);
  EXPECT_EQ(tree.genesis().hash, gh);
  EXPECT_EQ(tree.head_height(), 0u);
  EXPECT_EQ(tree.canonical_at(0), gh);
  EXPECT_EQ(tree.canonical_at(1), std::nullopt);
  EXPECT_EQ(tree.finalized(), (ChainPoint{gh, 0}));
  EXPECT_TRUE(tree.extends_finalized(gh));
  EXPECT_TRUE(tree.contains(gh));
  EXPECT_EQ(tree.get(label_hash("absent")), nullptr);
}

TEST(BlockTree, LinearGrowthMovesHeadAndCanonicalIndex) {
  TreeBuilder t;
  std::vector<std::string> chain = {"G"};
  for (std::uint64_t h = 1; h <= 6; ++h) {
    const std::string name = "a" + std::to_string(h);
    const HeadChange c = t.add(name, chain.back());
    chain.push_back(name);
    EXPECT_TRUE(c.changed) << name;
    EXPECT_EQ(c.old_height, h - 1) << name;
    EXPECT_EQ(c.fork_height, h - 1) << name << ": plain extension forks at the old head";
    EXPECT_EQ(t.tree().head().hash, t[name]);
    EXPECT_EQ(t.tree().head_height(), h);
  }
  for (std::uint64_t h = 0; h <= 6; ++h) EXPECT_EQ(t.tree().canonical_at(h), t[chain[h]]);
  EXPECT_EQ(t.tree().canonical_at(7), std::nullopt);
  EXPECT_EQ(t.tree().size(), 7u);
  EXPECT_EQ(t.tree().get(t["a3"])->block.block.height, 3u);
}

// Of two approved blocks of one height, every node ends on the one with the lower
// (slot, hash), whichever it saw first: nodes that saw them in different orders converge.
TEST(BlockTree, EqualHeightTieGoesToTheLowerSlotThenTheLowerHash) {
  const SignedBlock g = genesis_block();
  const Hash256 gh = block_hash(g.block);
  SignedBlock early = child(gh, 1, "early");
  early.block.slot = 10;
  SignedBlock late = child(gh, 1, "late");
  late.block.slot = 11;
  approve_by_all(early, 4);
  approve_by_all(late, 4);
  const Hash256 eh = block_hash(early.block);
  const Hash256 lh = block_hash(late.block);
  for (const bool early_first : {true, false}) {
    BlockTree tree(g, 4);
    if (early_first) {
      EXPECT_TRUE(tree.insert(early, eh).changed);
      EXPECT_FALSE(tree.insert(late, lh).changed);
    } else {
      EXPECT_TRUE(tree.insert(late, lh).changed);
      const HeadChange c = tree.insert(early, eh);
      EXPECT_TRUE(c.changed);
      EXPECT_EQ(c.fork_height, 0u);
      EXPECT_EQ(c.abandoned, std::vector<Hash256>{lh});
    }
    EXPECT_EQ(tree.head().hash, eh) << early_first;
  }
  // Equal slots (only a misbehaving authority signs two): the lower hash, in either order.
  SignedBlock twin = child(gh, 1, "twin");
  twin.block.slot = 10;
  approve_by_all(twin, 4);
  const Hash256 th = block_hash(twin.block);
  const Hash256 lower = std::min(eh, th);
  for (const bool early_first : {true, false}) {
    BlockTree tree(g, 4);
    (void)tree.insert(early_first ? early : twin, early_first ? eh : th);
    (void)tree.insert(early_first ? twin : early, early_first ? th : eh);
    EXPECT_EQ(tree.head().hash, lower) << early_first;
  }
}

TEST(BlockTree, EqualHeightForkDoesNotMoveHeadFirstSeenWins) {
  TreeBuilder t;
  t.add_chain("G", {"a1", "a2"});
  // Sibling of a2, same height.
  const HeadChange c = t.add("b2", "a1");
  EXPECT_FALSE(c.changed);
  EXPECT_EQ(t.tree().head().hash, t["a2"]);
  EXPECT_EQ(t.tree().canonical_at(2), t["a2"]);
  // A competing branch from genesis that only reaches the same height.
  t.add_chain("G", {"c1", "c2"});
  EXPECT_EQ(t.tree().head().hash, t["a2"]);
  EXPECT_EQ(t.tree().canonical_at(1), t["a1"]);
  EXPECT_EQ(t.tree().canonical_at(2), t["a2"]);
  EXPECT_TRUE(t.tree().contains(t["b2"]));
  EXPECT_TRUE(t.tree().contains(t["c2"]));
  EXPECT_EQ(t.tree().size(), 6u);
}

TEST(BlockTree, LongerForkReorgsAtCommonAncestor) {
  TreeBuilder t;
  t.add_chain("G", {"a1", "a2", "a3"});
  EXPECT_FALSE(t.add("b2", "a1").changed);
  EXPECT_FALSE(t.add("b3", "b2").changed);
  EXPECT_EQ(t.tree().head().hash, t["a3"]);
  const HeadChange c = t.add("b4", "b3");
  EXPECT_TRUE(c.changed);
  EXPECT_EQ(c.fork_height, 1u);
  EXPECT_EQ(c.old_height, 3u);
  EXPECT_EQ(t.tree().head().hash, t["b4"]);
  EXPECT_EQ(t.tree().canonical_at(0), t["G"]);
  EXPECT_EQ(t.tree().canonical_at(1), t["a1"]);
  EXPECT_EQ(t.tree().canonical_at(2), t["b2"]);
  EXPECT_EQ(t.tree().canonical_at(3), t["b3"]);
  EXPECT_EQ(t.tree().canonical_at(4), t["b4"]);
  EXPECT_EQ(t.tree().canonical_at(5), std::nullopt);

  // The old branch catches up (no change), then overtakes: reorg back at the same point.
  EXPECT_FALSE(t.add("a4", "a3").changed);
  const HeadChange back = t.add("a5", "a4");
  EXPECT_TRUE(back.changed);
  EXPECT_EQ(back.fork_height, 1u);
  EXPECT_EQ(back.old_height, 4u);
  for (const char* n : {"a1", "a2", "a3", "a4", "a5"}) {
    EXPECT_EQ(t.tree().canonical_at(t.tree().get(t[n])->block.block.height), t[n]) << n;
  }
}

TEST(BlockTree, ReorgFromGenesisReportsForkHeightZero) {
  TreeBuilder t;
  t.add_chain("G", {"a1", "a2"});
  t.add_chain("G", {"b1", "b2"});
  const HeadChange c = t.add("b3", "b2");
  EXPECT_TRUE(c.changed);
  EXPECT_EQ(c.fork_height, 0u);
  EXPECT_EQ(c.old_height, 2u);
  EXPECT_EQ(t.tree().canonical_at(1), t["b1"]);
}

TEST(BlockTree, LongerForkBelowFinalizedNeverBecomesHead) {
  TreeBuilder t;
  t.add_chain("G", {"a1", "a2", "a3", "a4"});
  t.tree().set_finalized(t.point("a3"));
  EXPECT_EQ(t.tree().finalized(), t.point("a3"));

  // Fork off a1 (below the finalized a3), growing well past the head.
  std::string parent = "a1";
  for (int h = 2; h <= 9; ++h) {
    const std::string name = "f" + std::to_string(h);
    const HeadChange c = t.add(name, parent);
    EXPECT_FALSE(c.changed) << name;
    EXPECT_FALSE(t.tree().extends_finalized(t[name])) << name;
    parent = name;
  }
  EXPECT_EQ(t.tree().head().hash, t["a4"]);
  EXPECT_EQ(t.tree().canonical_at(2), t["a2"]);
  EXPECT_EQ(t.tree().canonical_at(5), std::nullopt);

  EXPECT_TRUE(t.tree().extends_finalized(t["a3"]));
  EXPECT_TRUE(t.tree().extends_finalized(t["a4"]));
  EXPECT_FALSE(t.tree().extends_finalized(t["a2"]));  // an ancestor is not a descendant
  EXPECT_FALSE(t.tree().extends_finalized(t["G"]));
  EXPECT_FALSE(t.tree().extends_finalized(label_hash("absent")));

  // The finalized chain still grows.
  const HeadChange c = t.add("a5", "a4");
  EXPECT_TRUE(c.changed);
  EXPECT_EQ(t.tree().head().hash, t["a5"]);
  // A fork above finality may still reorg.
  t.add_chain("a3", {"x4", "x5"});
  const HeadChange r = t.add("x6", "x5");
  EXPECT_TRUE(r.changed);
  EXPECT_EQ(r.fork_height, 3u);
  EXPECT_EQ(t.tree().canonical_at(4), t["x4"]);
  EXPECT_EQ(t.tree().canonical_at(3), t["a3"]);
}

TEST(BlockTree, FinalityMovesForward) {
  TreeBuilder t;
  t.add_chain("G", {"a1", "a2", "a3"});
  t.tree().set_finalized(t.point("a1"));
  t.add_chain("a1", {"b2", "b3", "b4"});  // extends a1: may become head
  EXPECT_EQ(t.tree().head().hash, t["b4"]);
  t.tree().set_finalized(t.point("b3"));
  EXPECT_TRUE(t.tree().extends_finalized(t["b4"]));
  EXPECT_FALSE(t.tree().extends_finalized(t["a3"]));
  t.add_chain("a3", {"a4", "a5", "a6"});
  EXPECT_EQ(t.tree().head().hash, t["b4"]);
}

TEST(BlockTree, PowViewListsUnfinalizedAncestryAndLastPowBlock) {
  TreeBuilder t;
  t.add("a1", "G");
  t.add("a2", "a1", 0x1d00ffffu);
  t.add_chain("a2", {"a3", "a4"});

  BlockTree::PowView v = t.tree().pow_view(t["a4"]);
  EXPECT_EQ(v.first_height, 1u);
  EXPECT_EQ(v.unfinalized, (std::vector<Hash256>{t["a1"], t["a2"], t["a3"], t["a4"]}));
  EXPECT_EQ(v.last_pow_height, 2u);
  EXPECT_EQ(v.last_pow_bits, 0x1d00ffffu);

  // A tip below the PoW block sees none.
  v = t.tree().pow_view(t["a1"]);
  EXPECT_EQ(v.unfinalized, (std::vector<Hash256>{t["a1"]}));
  EXPECT_EQ(v.last_pow_height, 0u);
  EXPECT_EQ(v.last_pow_bits, std::nullopt);

  // The genesis tip: nothing unfinalized.
  v = t.tree().pow_view(t["G"]);
  EXPECT_TRUE(v.unfinalized.empty());
  EXPECT_EQ(v.first_height, 1u);
  EXPECT_EQ(v.last_pow_bits, std::nullopt);

  // A second PoW block: the last one (highest along the ancestry) wins.
  t.add("a5", "a4", 0x1c7fffffu);
  t.add("a6", "a5");
  v = t.tree().pow_view(t["a6"]);
  EXPECT_EQ(v.last_pow_height, 5u);
  EXPECT_EQ(v.last_pow_bits, 0x1c7fffffu);
  EXPECT_EQ(v.unfinalized.size(), 6u);
}

TEST(BlockTree, PowViewFollowsTheTipsOwnAncestry) {
  TreeBuilder t;
  t.add("a1", "G");
  t.add("a2", "a1", 0x1d00ffffu);
  t.add("a3", "a2");
  // Fork off a1 without PoW.
  t.add_chain("a1", {"b2", "b3", "b4"});
  BlockTree::PowView v = t.tree().pow_view(t["b4"]);
  EXPECT_EQ(v.unfinalized, (std::vector<Hash256>{t["a1"], t["b2"], t["b3"], t["b4"]}));
  EXPECT_EQ(v.last_pow_height, 0u);
  EXPECT_EQ(v.last_pow_bits, std::nullopt);
  // The non-head branch still has its own view.
  v = t.tree().pow_view(t["a3"]);
  EXPECT_EQ(v.unfinalized, (std::vector<Hash256>{t["a1"], t["a2"], t["a3"]}));
  EXPECT_EQ(v.last_pow_height, 2u);
}

// The range an AuxPoW must cover is a function of the chain: it starts after the
// range_end of the newest header on the tip's ancestry, whatever the node finalized
// locally (a header on an abandoned branch must not change what is valid here).
TEST(BlockTree, PowViewFollowsTheBranchsOwnFinalityNotTheNodes) {
  TreeBuilder t;
  t.add("a1", "G");
  t.add("a2", "a1", 0x1d00ffffu, "a1");  // finalizes up to a1
  t.add_chain("a2", {"a3", "a4", "a5"});
  BlockTree::PowView v = t.tree().pow_view(t["a5"]);
  EXPECT_EQ(v.first_height, 2u);
  EXPECT_EQ(v.unfinalized, (std::vector<Hash256>{t["a2"], t["a3"], t["a4"], t["a5"]}));
  EXPECT_EQ(v.last_pow_height, 2u);
  EXPECT_EQ(v.last_pow_bits, 0x1d00ffffu);
  // The node's own finality moving does not change it.
  t.tree().set_finalized(t.point("a3"));
  EXPECT_EQ(t.tree().pow_view(t["a5"]).unfinalized, v.unfinalized);
  // Before any header: everything since genesis, no bits.
  v = t.tree().pow_view(t["a1"]);
  EXPECT_EQ(v.first_height, 1u);
  EXPECT_EQ(v.unfinalized, (std::vector<Hash256>{t["a1"]}));
  EXPECT_EQ(v.last_pow_height, 0u);
  EXPECT_FALSE(v.last_pow_bits.has_value());
  // A newer header takes over: a4 finalizes up to a3.
  t.add("a6", "a5", 0x1e0fffffu, "a3");
  t.add("a7", "a6");
  v = t.tree().pow_view(t["a7"]);
  EXPECT_EQ(v.first_height, 4u);
  EXPECT_EQ(v.unfinalized, (std::vector<Hash256>{t["a4"], t["a5"], t["a6"], t["a7"]}));
  EXPECT_EQ(v.last_pow_height, 6u);
  EXPECT_EQ(v.last_pow_bits, 0x1e0fffffu);
}

TEST(BlockTree, ApprovalQuorumIsAlysTwoThirds) {
  // ((2n) + 2) / 3
  const std::size_t expected[] = {0, 1, 2, 2, 3, 4, 4, 5, 6, 6, 7};
  for (std::size_t n = 1; n <= 10; ++n) EXPECT_EQ(approval_quorum(n), expected[n]) << "n=" << n;
  EXPECT_EQ(approval_quorum(100), 67u);
}

TEST(BlockTree, AddApprovalDedupes) {
  TreeBuilder t(4);
  SignedBlock b = child(t["G"], 1, "a1");
  b.block.slot = 1;
  Approval proposer;
  proposer.authority_index = 1;
  b.approvals.push_back(proposer);
  const Hash256 h = block_hash(b.block);
  t.tree().insert(b, h);
  EXPECT_EQ(t.tree().get(h)->approvers, (std::set<std::uint32_t>{1}));

  Approval a;
  a.authority_index = 1;
  EXPECT_FALSE(t.tree().add_approval(h, a).added);  // the proposer's own, already carried
  a.authority_index = 2;
  EXPECT_TRUE(t.tree().add_approval(h, a).added);
  EXPECT_FALSE(t.tree().add_approval(h, a).added);
  a.signature[0] = 0x99;  // another signature, same authority: still a duplicate
  EXPECT_FALSE(t.tree().add_approval(h, a).added);
  EXPECT_EQ(t.tree().get(h)->approvers, (std::set<std::uint32_t>{1, 2}));
  EXPECT_EQ(t.tree().get(h)->block.approvals.size(), 2u);
  EXPECT_FALSE(t.tree().add_approval(label_hash("unknown block"), a).added);
  EXPECT_FALSE(t.tree().approved(label_hash("unknown block")));
}

TEST(BlockTree, ApprovedFlipsExactlyAtQuorum) {
  for (std::size_t n = 1; n <= 7; ++n) {
    TreeBuilder t(n);
    t.add("a1", "G", std::nullopt, std::nullopt, /*approved=*/false);
    const Hash256 h = t["a1"];
    const std::size_t q = approval_quorum(n);
    for (std::uint32_t i = 0; i < n; ++i) {
      EXPECT_EQ(t.tree().approved(h), i >= q) << "n=" << n << " approvals=" << i;
      Approval a;
      a.authority_index = i;
      const ApprovalAdded added = t.tree().add_approval(h, a);
      EXPECT_TRUE(added.added);
      // Reaching the quorum (and only that) makes the block head.
      EXPECT_EQ(added.change.changed, i + 1 == q) << "n=" << n << " approvals=" << i + 1;
      // A duplicate never moves the count.
      EXPECT_FALSE(t.tree().add_approval(h, a).added);
      EXPECT_EQ(t.tree().approved(h), i + 1 >= q) << "n=" << n << " approvals=" << i + 1;
    }
  }
}

TEST(BlockTree, ApprovalsCarriedByTheInsertedBlockCount) {
  TreeBuilder t(4);  // quorum 3
  SignedBlock b = child(t["G"], 1, "a1");
  for (std::uint32_t i : {0u, 2u, 3u}) {
    Approval a;
    a.authority_index = i;
    b.approvals.push_back(a);
  }
  const Hash256 h = block_hash(b.block);
  t.tree().insert(b, h);
  EXPECT_TRUE(t.tree().approved(h));
}

// Fork choice counts approved blocks only: a higher block waits for its quorum.
TEST(BlockTree, UnapprovedBlockNeverBecomesHeadUntilItsQuorum) {
  TreeBuilder t(4);  // quorum 3
  t.add("a1", "G");
  const HeadChange none = t.add("a2", "a1", std::nullopt, std::nullopt, /*approved=*/false);
  EXPECT_FALSE(none.changed);
  EXPECT_EQ(t.tree().head().hash, t["a1"]);
  Approval a;
  for (std::uint32_t i : {0u, 1u}) {
    a.authority_index = i;
    EXPECT_FALSE(t.tree().add_approval(t["a2"], a).change.changed);
  }
  a.authority_index = 3;
  const ApprovalAdded third = t.tree().add_approval(t["a2"], a);
  EXPECT_TRUE(third.change.changed);
  EXPECT_EQ(third.change.fork_height, 1u);
  EXPECT_EQ(t.tree().head().hash, t["a2"]);
  EXPECT_EQ(t.tree().get(t["a2"])->block.approvals.size(), 3u);
}

// A reorg reports the blocks it abandoned (their transactions go back to the mempool).
TEST(BlockTree, ReorgListsAbandonedBlocks) {
  TreeBuilder t;
  t.add_chain("G", {"a1", "a2"});
  t.add_chain("G", {"b1", "b2"});
  const HeadChange change = t.add("b3", "b2");
  EXPECT_TRUE(change.changed);
  EXPECT_EQ(change.fork_height, 0u);
  EXPECT_EQ(change.abandoned, (std::vector<Hash256>{t["a1"], t["a2"]}));
}

// ---------------------------------------------------------------------------------------
// Property: random trees, random parent-first insertion order, optional finality.
// ---------------------------------------------------------------------------------------

RC_GTEST_PROP(BlockTreeProperty, HeadIsTheBestBlockOnFinalityAndCanonicalIsItsAncestry, ()) {
  const std::size_t n = *rc::gen::inRange<std::size_t>(0, 40);
  // Node 0 is genesis; node i > 0 has a parent among 0..i-1.
  std::vector<std::size_t> parent(n + 1, 0);
  std::vector<std::uint64_t> height(n + 1, 0);
  for (std::size_t i = 1; i <= n; ++i) {
    parent[i] = *rc::gen::inRange<std::size_t>(0, i);
    height[i] = height[parent[i]] + 1;
  }
  const SignedBlock g = genesis_block();
  BlockTree tree(g, 4);
  std::vector<Hash256> hash(n + 1);
  hash[0] = tree.genesis().hash;
  std::vector<SignedBlock> blocks(n + 1);
  for (std::size_t i = 1; i <= n; ++i) {
    // Hashes depend on the parent's, so compute them in index (parent-first) order.
    blocks[i] = child(hash[parent[i]], height[i], "node" + std::to_string(i));
    approve_by_all(blocks[i], 4);
    hash[i] = block_hash(blocks[i].block);
  }
  auto node_of = [&](const Hash256& h) {
    const auto it = std::find(hash.begin(), hash.end(), h);
    RC_ASSERT(it != hash.end());
    return static_cast<std::size_t>(it - hash.begin());
  };
  auto descends = [&](std::size_t x, std::size_t ancestor) {
    while (height[x] > height[ancestor]) x = parent[x];
    return x == ancestor;
  };
  auto lca = [&](std::size_t x, std::size_t y) {
    while (x != y) {
      if (height[x] >= height[y]) {
        x = parent[x];
      } else {
        y = parent[y];
      }
    }
    return x;
  };

  std::vector<std::size_t> order = {0};  // insertion order
  std::size_t finalized = 0;
  const std::size_t finalize_at = *rc::gen::inRange<std::size_t>(0, n + 1);  // step index
  std::vector<std::size_t> ready;
  for (std::size_t i = 1; i <= n; ++i) {
    if (parent[i] == 0) ready.push_back(i);
  }

  for (std::size_t step = 0; step < n; ++step) {
    if (step == finalize_at) {
      // Finalize a random block of the current canonical chain.
      const std::uint64_t fh = *rc::gen::inRange<std::uint64_t>(0, tree.head_height() + 1);
      const auto fhash = tree.canonical_at(fh);
      RC_ASSERT(fhash.has_value());
      tree.set_finalized(ChainPoint{*fhash, fh});
      finalized = node_of(*fhash);
      for (std::size_t x : order) RC_ASSERT(tree.extends_finalized(hash[x]) == descends(x, finalized));
    }
    const std::size_t pick = *rc::gen::inRange<std::size_t>(0, ready.size());
    const std::size_t x = ready[pick];
    ready.erase(ready.begin() + static_cast<std::ptrdiff_t>(pick));
    const std::size_t old_head = node_of(tree.head().hash);
    const HeadChange change = tree.insert(blocks[x], hash[x]);
    order.push_back(x);
    for (std::size_t c = x + 1; c <= n; ++c) {
      if (parent[c] == x) ready.push_back(c);
    }

    // Expected head: among inserted blocks descending from finality, the highest; ties to
    // the lower (slot, hash).
    auto better = [&](std::size_t a, std::size_t b) {
      if (height[a] != height[b]) return height[a] > height[b];
      return std::tie(blocks[a].block.slot, hash[a]) < std::tie(blocks[b].block.slot, hash[b]);
    };
    std::size_t expected = finalized;
    for (std::size_t y : order) {
      if (y != 0 && descends(y, finalized) && better(y, expected)) expected = y;
    }
    const std::size_t head = node_of(tree.head().hash);
    RC_ASSERT(head == expected);
    RC_ASSERT(tree.head_height() == height[expected]);
    RC_ASSERT(tree.extends_finalized(hash[x]) == descends(x, finalized));

    // The change report.
    RC_ASSERT(change.changed == (head != old_head));
    RC_ASSERT(change.old_height == height[old_head]);
    if (change.changed) RC_ASSERT(change.fork_height == height[lca(old_head, head)]);

    // The canonical index is exactly the head's ancestry.
    std::size_t walk = head;
    while (true) {
      RC_ASSERT(tree.canonical_at(height[walk]) == hash[walk]);
      if (walk == 0) break;
      walk = parent[walk];
    }
    RC_ASSERT(!tree.canonical_at(height[head] + 1).has_value());
  }
  RC_ASSERT(tree.size() == n + 1);
}

// The walk extends_finalized did before its canonical-chain shortcut, through the tree's
// public lookups only: its answers must not change.
bool extends_finalized_by_walk(const BlockTree& tree, const Hash256& hash) {
  const BlockTree::Entry* e = tree.get(hash);
  while (e != nullptr && e->block.block.height > tree.finalized().height) {
    e = tree.get(e->block.block.parent_hash);
  }
  return e != nullptr && e->hash == tree.finalized().hash;
}

// Random trees, some blocks unapproved (so the canonical chain lags some branches) and
// finality moved forward at random steps: after every insertion, for every block of the
// tree and for an unknown hash, the shortcut answers what the full walk answers.
RC_GTEST_PROP(BlockTreeProperty, ExtendsFinalizedAgreesWithTheFullWalk, ()) {
  const std::size_t n = *rc::gen::inRange<std::size_t>(0, 60);
  const SignedBlock g = genesis_block();
  BlockTree tree(g, 4);
  std::vector<Hash256> hashes = {tree.genesis().hash};
  const Hash256 unknown = label_hash("not in the tree");
  for (std::size_t i = 1; i <= n; ++i) {
    // Parents skew to recent blocks: long branches, as on a live chain.
    const std::size_t lo = i > 8 ? i - 8 : 0;
    const std::size_t p = *rc::gen::inRange<std::size_t>(*rc::gen::element(std::size_t{0}, lo), i);
    const BlockTree::Entry* parent = tree.get(hashes[p]);
    RC_ASSERT(parent != nullptr);
    SignedBlock b = child(hashes[p], parent->block.block.height + 1, "node" + std::to_string(i));
    b.block.slot = i;
    if (*rc::gen::inRange(0, 5) != 0) approve_by_all(b, 4);
    const Hash256 h = block_hash(b.block);
    tree.insert(std::move(b), h);
    hashes.push_back(h);
    if (*rc::gen::inRange(0, 6) == 0) {
      const std::uint64_t fh =
          *rc::gen::inRange<std::uint64_t>(tree.finalized().height, tree.head_height() + 1);
      tree.set_finalized(ChainPoint{*tree.canonical_at(fh), fh});
    }
    for (const Hash256& x : hashes) {
      RC_ASSERT(tree.extends_finalized(x) == extends_finalized_by_walk(tree, x));
    }
    RC_ASSERT(!tree.extends_finalized(unknown));
  }
}

}  // namespace
}  // namespace alys
