// Assume-valid's pieces (core/sync/assume_valid.h): the "HEIGHT:HASH" setting, the first
// height a node checks from, and HeaderChainCheck, which must accept exactly a linked
// chain of headers ending in the anchor, however it is split into responses.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "core/crypto/sha256.h"
#include "core/sync/assume_valid.h"

namespace alys::sync {
namespace {

// Headers 1..n of a chain on `genesis`, each naming the previous one's hash.
std::vector<ConsensusHeader> header_chain(std::uint64_t n, const Hash256& genesis) {
  std::vector<ConsensusHeader> chain;
  Hash256 parent = genesis;
  for (std::uint64_t h = 1; h <= n; ++h) {
    ConsensusHeader header{parent, h, 2 * h, sha256(as_bytes("state " + std::to_string(h))),
                           sha256(as_bytes("body " + std::to_string(h)))};
    parent = header_hash(header);
    chain.push_back(header);
  }
  return chain;
}

const Hash256 kGenesis = sha256(as_bytes("alys/test/assume-valid/genesis"));

TEST(AssumeValidSetting, ParsesHeightColonHash) {
  const std::string hash(64, 'a');
  auto av = parse_assume_valid("5000:" + hash);
  ASSERT_TRUE(av.has_value()) << av.error().message();
  EXPECT_EQ(av->height, 5000u);
  EXPECT_EQ(av->hash.to_hex(), hash);
}

TEST(AssumeValidSetting, BadTextSaysWhatIsWrong) {
  const std::string hash(64, 'a');
  EXPECT_NE(parse_assume_valid(hash).error().message().find("HEIGHT:HASH"), std::string::npos);
  EXPECT_NE(parse_assume_valid("x:" + hash).error().message().find("height: 'x' is not a number"),
            std::string::npos);
  EXPECT_NE(parse_assume_valid(":" + hash).error().message().find("height"), std::string::npos);
  EXPECT_NE(parse_assume_valid("0:" + hash).error().message().find("genesis"), std::string::npos);
  EXPECT_NE(parse_assume_valid("7:abc").error().message().find("hash"), std::string::npos);
  EXPECT_NE(parse_assume_valid("7z:" + hash).error().message().find("height"), std::string::npos);
}

TEST(AssumeValidSetting, AFarBehindNodeChecksOnlyTheCappedSpanBelowTheAnchor) {
  const AssumeValid near{100, kGenesis};
  EXPECT_EQ(assume_valid_first_height(0, near), 1u);
  EXPECT_EQ(assume_valid_first_height(40, near), 41u);
  const AssumeValid far{kMaxAssumeValidHeaders + 500, kGenesis};
  EXPECT_EQ(assume_valid_first_height(0, far), 501u);
  EXPECT_EQ(assume_valid_first_height(600, far), 601u);
}

TEST(HeaderChainCheck, AcceptsTheChainToTheAnchorAndKeepsItsHashes) {
  const auto chain = header_chain(10, kGenesis);
  HeaderChainCheck check(4, AssumeValid{10, header_hash(chain[9])});
  EXPECT_EQ(check.next_height(), 4u);
  EXPECT_EQ(check.missing(), 7u);
  ASSERT_TRUE(check.add(std::span(chain).subspan(3, 2)).is_ok());
  EXPECT_FALSE(check.done());
  ASSERT_TRUE(check.add(std::span(chain).subspan(5)).is_ok());
  ASSERT_TRUE(check.done());
  const std::vector<Hash256> hashes = check.take_hashes();
  ASSERT_EQ(hashes.size(), 7u);
  for (std::size_t i = 0; i < hashes.size(); ++i) EXPECT_EQ(hashes[i], header_hash(chain[3 + i]));
}

TEST(HeaderChainCheck, RefusesGapsBrokenLinksOverrunsAndAnotherAnchor) {
  const auto chain = header_chain(10, kGenesis);
  const AssumeValid anchor{10, header_hash(chain[9])};
  {
    HeaderChainCheck check(1, anchor);
    const Status s = check.add(std::span(chain).subspan(1, 1));  // h2 where h1 is due
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find("expected height 1"), std::string::npos) << s.message();
  }
  {
    auto broken = chain;
    broken[5].slot += 1;  // h6 changes: h7 no longer names it
    HeaderChainCheck check(1, anchor);
    const Status s = check.add(broken);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find("header h7: its parent is not the header at h6"), std::string::npos)
        << s.message();
  }
  {
    HeaderChainCheck check(1, AssumeValid{9, header_hash(chain[8])});
    const Status s = check.add(chain);  // one header past the anchor
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find("past the assume-valid block"), std::string::npos) << s.message();
  }
  {
    HeaderChainCheck check(1, AssumeValid{10, sha256(as_bytes("another block"))});
    const Status s = check.add(chain);
    EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);  // not provably the peer's fault
    EXPECT_NE(s.message().find("is not the assume-valid block"), std::string::npos) << s.message();
  }
}

RC_GTEST_PROP(HeaderChainCheckProperty, AnyTamperedHeaderIsRefusedAnySplitOfTheChainAccepted, ()) {
  const auto n = *rc::gen::inRange<std::uint64_t>(1, 40);
  const auto chain = header_chain(n, kGenesis);
  const AssumeValid anchor{n, header_hash(chain.back())};
  const auto first = *rc::gen::inRange<std::uint64_t>(1, n + 1);
  const std::span<const ConsensusHeader> mine = std::span(chain).subspan(first - 1);

  // Fed in random pieces, the chain checks out.
  {
    HeaderChainCheck check(first, anchor);
    std::size_t at = 0;
    while (at < mine.size()) {
      const auto piece = *rc::gen::inRange<std::size_t>(1, mine.size() - at + 1);
      RC_ASSERT(check.add(mine.subspan(at, piece)).is_ok());
      at += piece;
    }
    RC_ASSERT(check.done());
    RC_ASSERT(check.take_hashes().back() == anchor.hash);
  }
  // Any change to any field of any header it checks is refused.
  {
    std::vector<ConsensusHeader> tampered(mine.begin(), mine.end());
    const auto index = *rc::gen::inRange<std::size_t>(0, tampered.size());
    ConsensusHeader& h = tampered[index];
    switch (*rc::gen::inRange(0, 5)) {
      case 0: h.parent_hash = sha256(h.parent_hash.view()); break;
      case 1: h.height += 1; break;
      case 2: h.slot += 1; break;
      case 3: h.state_root = sha256(h.state_root.view()); break;
      default: h.body_root = sha256(h.body_root.view()); break;
    }
    HeaderChainCheck check(first, anchor);
    const Status s = check.add(tampered);
    // Every field is in the header's hash: a change breaks the next header's link, or the
    // anchor's hash when it is the last one (a height change also breaks the sequence).
    RC_ASSERT(!s.is_ok());
  }
}

}  // namespace
}  // namespace alys::sync
