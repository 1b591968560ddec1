// memoized_tagged_hash: tagged_hash(tag, data), remembered per thread for short inputs that
// recur.
//
// For digests that many holders of the same data compute: the ledger's bucket, group and
// root digests (core/execution/bucket_table.h) are the same on every node that executes a
// block, and the simulator runs all of them in one thread, so six of seven computations
// were repeats. A pure memo (DESIGN.md §5): a hit is the same tag and byte-for-byte the
// same input; anything else is hashed afresh and replaces its slot. Inputs longer than
// kMaxMemoBytes are simply hashed. Per thread, so no lock; the table (~150 KB) is made on a
// thread's first memoizable call.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/crypto/tagged_hash.h"

namespace alys {

inline constexpr std::size_t kMaxMemoBytes = 544;

// Same result as tagged_hash(tag, data). `tag` must outlive the thread's use of the memo
// (the memo keeps a view of it): pass a string literal.
Hash256 memoized_tagged_hash(std::string_view tag, ByteView data);

}  // namespace alys
