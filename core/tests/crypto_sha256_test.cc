#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/crypto/sha256.h"
#include "core/crypto/tagged_hash.h"
#include "core/tests/primitives_test_util.h"

namespace alys {
namespace {

using test::hash_hex;

// FIPS 180-2 appendix B examples.
TEST(Sha256, FipsVectors) {
  EXPECT_EQ(sha256(as_bytes("")),
            hash_hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
  EXPECT_EQ(sha256(as_bytes("abc")),
            hash_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  EXPECT_EQ(sha256(as_bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            hash_hex("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
  const std::string million_a(1000000, 'a');
  EXPECT_EQ(sha256(as_bytes(million_a)),
            hash_hex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
}

TEST(Sha256, DoubleHash) {
  // SHA256d("hello") as widely published.
  EXPECT_EQ(sha256d(as_bytes("hello")),
            hash_hex("9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50"));
}

TEST(Sha256, IncrementalMatchesOneShotAndCopiesForkMidstate) {
  Sha256 h;
  h.update(as_bytes("ab"));
  Sha256 fork = h;
  h.update(as_bytes("c"));
  EXPECT_EQ(h.finalize(), sha256(as_bytes("abc")));
  fork.update(as_bytes("cd"));
  EXPECT_EQ(fork.finalize(), sha256(as_bytes("abcd")));
}

TEST(TaggedHash, MatchesDefinition) {
  const Hash256 tag = sha256(as_bytes("BIP0340/challenge"));
  Bytes pre;
  append(pre, tag.view());
  append(pre, tag.view());
  append(pre, as_bytes("msg"));
  EXPECT_EQ(tagged_hash("BIP0340/challenge", as_bytes("msg")), sha256(pre));
}

// Tag midstates are memoized: the digest must not depend on which tags came before or on
// whether the memo is full (more distinct tags than it keeps), repeated in both orders.
TEST(TaggedHash, MemoizedMidstatesMatchTheDefinition) {
  auto by_definition = [](const std::string& tag, ByteView data) {
    const Hash256 t = sha256(as_bytes(tag));
    Bytes pre;
    append(pre, t.view());
    append(pre, t.view());
    append(pre, data);
    return sha256(pre);
  };
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 64; ++i) {
      const int k = round == 0 ? i : 63 - i;
      const std::string tag = "test/tag-" + std::to_string(k);
      const std::string data(static_cast<std::size_t>(k), 'x');
      EXPECT_EQ(tagged_hash(tag, as_bytes(data)), by_definition(tag, as_bytes(data))) << tag;
      Sha256 h = tagged_hasher(tag);
      h.update(as_bytes(data));
      EXPECT_EQ(h.finalize(), by_definition(tag, as_bytes(data))) << tag;
    }
  }
}

RC_GTEST_PROP(Sha256Property, SplitPointDoesNotMatter,
              (const std::vector<std::uint8_t>& data, std::size_t split)) {
  const std::size_t cut = data.empty() ? 0 : split % (data.size() + 1);
  Sha256 h;
  h.update(ByteView(data).subspan(0, cut));
  h.update(ByteView(data).subspan(cut));
  RC_ASSERT(h.finalize() == sha256(data));
}

}  // namespace
}  // namespace alys
