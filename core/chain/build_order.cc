#include "core/chain/build_order.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>

namespace alys::chain {

std::vector<LedgerTx> in_nonce_order(std::vector<LedgerTx> txs) {
  const std::size_t n = txs.size();
  if (n < 2) return txs;
  // Indices grouped by sender, each group in nonce order (then by place: deterministic).
  std::vector<std::uint32_t> by_sender(n);
  std::iota(by_sender.begin(), by_sender.end(), 0u);
  std::sort(by_sender.begin(), by_sender.end(), [&txs](std::uint32_t a, std::uint32_t b) {
    const LedgerTx& x = txs[a];
    const LedgerTx& y = txs[b];
    if (x.sender_key != y.sender_key) return x.sender_key < y.sender_key;
    if (x.nonce != y.nonce) return x.nonce < y.nonce;
    return a < b;
  });
  std::vector<LedgerTx> out(n);
  std::vector<std::uint32_t> places;
  for (std::size_t first = 0; first < n;) {
    std::size_t last = first + 1;
    while (last < n && txs[by_sender[last]].sender_key == txs[by_sender[first]].sender_key) ++last;
    // The group's places, in order, take its transactions in nonce order.
    places.assign(by_sender.begin() + static_cast<std::ptrdiff_t>(first),
                  by_sender.begin() + static_cast<std::ptrdiff_t>(last));
    std::sort(places.begin(), places.end());
    for (std::size_t k = 0; k < places.size(); ++k) out[places[k]] = std::move(txs[by_sender[first + k]]);
    first = last;
  }
  return out;
}

}  // namespace alys::chain
