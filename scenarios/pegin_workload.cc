#include "scenarios/pegin_workload.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/runtime/random.h"

namespace alys::scenarios {

namespace {
constexpr std::int64_t kDepositFeeSat = 2'000;
std::string short_txid(const Hash256& txid) { return txid.to_display_hex().substr(0, 12); }
}  // namespace

PegInWorkload::PegInWorkload(sim::World& world, sim::SimBitcoin& bitcoin, std::size_t count,
                             Duration window)
    : world_(world), bitcoin_(bitcoin), count_(count), window_(window) {}

void PegInWorkload::schedule() {
  Xoshiro256ss rng = world_.stream("pegins");
  for (std::size_t i = 0; i < count_; ++i) {
    const auto at_ns = static_cast<std::int64_t>(
        uniform_below(rng, static_cast<std::uint64_t>(std::max<std::int64_t>(window_.count(), 1))));
    EvmAddress to{};
    if (targets_.empty()) {
      for (auto& byte : to) byte = static_cast<std::uint8_t>(rng.next());
    } else {
      to = targets_[uniform_below(rng, targets_.size())];
    }
    const auto amount = static_cast<std::int64_t>(10'000 + uniform_below(rng, 990'001));
    world_.schedule_at(Instant{} + Duration(at_ns), sim::EventKind::kCustom, 0x706567696e,
                       [this, to, amount] { (void)deposit_now(to, amount); });
  }
}

std::optional<Deposit> PegInWorkload::deposit_now(const EvmAddress& to, std::int64_t amount_sat) {
  Result<Hash256> txid = bitcoin_.deposit(to, amount_sat, kDepositFeeSat);
  if (!txid) {
    ++refused_;
    world_.log_world(fmt::format("pegin workload: deposit refused: {}", txid.error().message()));
    return std::nullopt;
  }
  deposits_.push_back(Deposit{*txid, to, amount_sat, world_.now()});
  return deposits_.back();
}

std::vector<Hash256> PegInWorkload::shallow_deposits(const sim::SimBitcoin& bitcoin,
                                                    std::uint32_t depth) const {
  for (auto it = deposits_.rbegin(); it != deposits_.rend(); ++it) {
    const auto conf = bitcoin.confirmations(it->txid);
    if (conf && *conf >= 1 && *conf <= depth) return {it->txid};
  }
  return {};
}

std::vector<CheckFailure> check_pegins(const PegInCheckInput& in) {
  std::vector<CheckFailure> out;
  auto fail = [&](std::string checker, std::string evidence) {
    out.push_back(CheckFailure{std::move(checker), in.at, std::move(evidence)});
  };
  // What the final chain minted, by txid, with the height of the first mint.
  struct Minted {
    PegInRef ref;
    std::uint64_t height = 0;
    int times = 0;
  };
  std::map<Hash256, Minted> minted;
  for (const SignedBlock* b : in.chain) {
    for (const PegInRef& ref : b->block.pegins) {
      Minted& m = minted[ref.txid];
      if (m.times++ == 0) {
        m.ref = ref;
        m.height = b->block.height;
      } else {
        fail("no-double-mint", fmt::format("peg-in {} minted again in block h{} (first h{})",
                                           short_txid(ref.txid), b->block.height, m.height));
      }
    }
  }
  std::map<Hash256, const Deposit*> by_txid;
  for (const Deposit& d : *in.deposits) by_txid[d.txid] = &d;

  std::int64_t settled_sats = 0;
  std::int64_t minted_settled_sats = 0;
  for (const Deposit& d : *in.deposits) {
    const auto conf = in.bitcoin->confirmations(d.txid);
    const bool settled = conf && *conf >= in.settled_depth;
    auto it = minted.find(d.txid);
    if (settled) {
      settled_sats += d.amount_sat;
      if (it == minted.end()) {
        fail("pegins", fmt::format("deposit {} of {} sat ({} confirmations) never minted",
                                   short_txid(d.txid), d.amount_sat, *conf));
        continue;
      }
    }
    if (it == minted.end()) continue;
    const PegInRef& ref = it->second.ref;
    if (ref.to != d.to || ref.amount_sat != d.amount_sat) {
      fail("pegins", fmt::format("peg-in {} minted {} sat to another address or amount "
                                 "(deposit: {} sat)",
                                 short_txid(d.txid), ref.amount_sat, d.amount_sat));
    }
    if (settled) minted_settled_sats += ref.amount_sat;
  }
  for (const auto& [txid, m] : minted) {
    const bool flagged = in.flagged.count(txid) != 0;
    const auto conf = in.bitcoin->confirmations(txid);
    const bool backed = by_txid.count(txid) != 0 && conf && *conf >= in.confirmations &&
                        in.bitcoin->on_best_chain(m.ref.block_hash);
    if (!backed && !flagged) {
      fail("pegin-backing",
           fmt::format("peg-in {} minted in h{} is not held by Bitcoin's best chain "
                       "(confirmations {}) and no bridge flagged it",
                       short_txid(txid), m.height, conf ? std::to_string(*conf) : "none"));
    }
  }
  // The Bitcoin side: the federation holds exactly the deposits its best chain confirmed.
  std::int64_t held_by_deposits = 0;
  for (const Deposit& d : *in.deposits) {
    const auto conf = in.bitcoin->confirmations(d.txid);
    if (conf && *conf >= 1) held_by_deposits += d.amount_sat;
  }
  const std::int64_t held = in.bitcoin->balance(in.bitcoin->federation()->script_pubkey());
  if (held != held_by_deposits - in.paid_out_sat) {
    fail("pegin-value", fmt::format("the federation holds {} sat on Bitcoin but its confirmed "
                                    "deposits add up to {} sat, less {} sat paid out",
                                    held, held_by_deposits, in.paid_out_sat));
  }
  if (minted_settled_sats != settled_sats && out.empty()) {
    fail("pegin-value", fmt::format("settled deposits hold {} sat but {} sat of them were minted",
                                    settled_sats, minted_settled_sats));
  }
  return out;
}

}  // namespace alys::scenarios
