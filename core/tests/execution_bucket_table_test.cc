// BucketTable's root (core/execution/bucket_table.h): its two-level layout written out by
// hand for a small table, and, for any history of writes and copies, the cached root equals
// the root of a fresh table holding the same entries.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <map>
#include <vector>

#include "core/bitcoin/serialize.h"
#include "core/crypto/sha256.h"
#include "core/crypto/tagged_hash.h"
#include "core/execution/bucket_table.h"

namespace alys {
namespace {

struct LowBitsTraits {  // bucket = key mod 64: tests choose which buckets fill
  static std::size_t bucket_of(const std::uint32_t& k) { return k % 64; }
  static void digest_entry(ByteWriter& w, const std::uint32_t& k, const std::uint64_t& v) {
    w.u32le(k);
    w.u64le(v);
  }
};
using Table = BucketTable<std::uint32_t, std::uint64_t, LowBitsTraits, 64>;

Hash256 root_of(const Table& t) { return t.root("t/bucket", "t/group", "t/root"); }

Bytes le(std::uint64_t v, int n) {
  Bytes out;
  for (int b = 0; b < n; ++b) out.push_back(static_cast<std::uint8_t>(v >> (8 * b)));
  return out;
}
void append(Bytes& to, const Bytes& more) { to.insert(to.end(), more.begin(), more.end()); }
void append(Bytes& to, const Hash256& h) { to.insert(to.end(), h.view().begin(), h.view().end()); }

TEST(BucketTableRoot, IsTheDocumentedTwoLevelHash) {
  static_assert(Table::kGroups == 4);
  Table t;
  Bytes empty_root_input = le(0, 8);
  for (int g = 0; g < 4; ++g) append(empty_root_input, Hash256{});
  EXPECT_EQ(root_of(t), tagged_hash("t/root", empty_root_input));

  t.put(17, 5);  // bucket 17, group 1
  t.put(81, 6);  // bucket 17 too (81 mod 64), after 17 in key order
  Bytes bucket_input = le(17, 4);
  append(bucket_input, le(17, 4));
  append(bucket_input, le(5, 8));
  append(bucket_input, le(81, 4));
  append(bucket_input, le(6, 8));
  const Hash256 bucket = tagged_hash("t/bucket", bucket_input);
  Bytes group_input = le(1, 4);
  for (int b = 16; b < 32; ++b) append(group_input, b == 17 ? bucket : Hash256{});
  const Hash256 group = tagged_hash("t/group", group_input);
  Bytes root_input = le(2, 8);
  for (int g = 0; g < 4; ++g) append(root_input, g == 1 ? group : Hash256{});
  EXPECT_EQ(root_of(t), tagged_hash("t/root", root_input));
}

// Operations: put (key, value) into the working table, or snapshot it (a copy that must
// keep its own root while the working table changes).
RC_GTEST_PROP(BucketTableRoot, CachedRootEqualsAFreshTablesAfterAnyWritesAndCopies, ()) {
  const auto ops = *rc::gen::container<std::vector<std::pair<std::uint32_t, std::uint8_t>>>(
      rc::gen::pair(rc::gen::inRange<std::uint32_t>(0, 300), rc::gen::arbitrary<std::uint8_t>()));
  Table work;
  std::map<std::uint32_t, std::uint64_t> model;
  std::vector<std::pair<Table, std::map<std::uint32_t, std::uint64_t>>> snapshots;
  for (const auto& [key, value] : ops) {
    if (value % 7 == 0) {
      (void)root_of(work);  // a root taken mid-history must not go stale
      snapshots.emplace_back(work, model);
      continue;
    }
    work.put(key, value);
    model[key] = value;
  }
  auto fresh_root = [](const std::map<std::uint32_t, std::uint64_t>& m) {
    Table fresh;
    for (auto it = m.rbegin(); it != m.rend(); ++it) fresh.put(it->first, it->second);
    return root_of(fresh);
  };
  RC_ASSERT(root_of(work) == fresh_root(model));
  for (const auto& [table, m] : snapshots) RC_ASSERT(root_of(table) == fresh_root(m));
}

}  // namespace
}  // namespace alys
