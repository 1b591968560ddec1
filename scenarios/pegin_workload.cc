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

std::size_t schedule_bitcoin_faults(sim::World& world, sim::SimBitcoin& bitcoin,
                                    const PegInWorkload& workload, std::size_t nodes,
                                    Duration window, std::size_t max_reorg_depth) {
  Xoshiro256ss rng = world.stream("bitcoin-chaos");
  const auto window_ns = static_cast<std::uint64_t>(std::max<std::int64_t>(window.count(), 1));
  // About one fault per five simulated minutes.
  const std::size_t count = 1 + static_cast<std::size_t>(window / 5min);
  for (std::size_t i = 0; i < count; ++i) {
    const Instant at = Instant{} + Duration(static_cast<std::int64_t>(uniform_below(rng, window_ns)));
    if (uniform_below(rng, 2) == 0 && max_reorg_depth > 0) {
      const auto depth = static_cast<std::size_t>(1 + uniform_below(rng, max_reorg_depth));
      const bool evict = uniform_below(rng, 3) == 0;
      world.schedule_at(at, sim::EventKind::kFault, 0x72656f7267, [&world, &bitcoin, &workload,
                                                                    depth, evict] {
        const std::size_t d = std::min<std::size_t>(depth, bitcoin.tip_height());
        if (d == 0) return;
        std::vector<Hash256> evicted;
        if (evict) {
          // The newest deposit still shallow enough to go with the reorg, if any.
          for (auto it = workload.deposits().rbegin(); it != workload.deposits().rend(); ++it) {
            const auto conf = bitcoin.confirmations(it->txid);
            if (conf && *conf >= 1 && *conf <= d) {
              evicted.push_back(it->txid);
              break;
            }
          }
        }
        const Status s = bitcoin.reorg(d, evicted);
        world.log_world(fmt::format("fault: bitcoin reorg of depth {}{}{}", d,
                                    evicted.empty() ? "" : ", evicting a deposit",
                                    s.is_ok() ? "" : ": " + s.message()));
      });
    } else {
      const auto node = static_cast<NodeId>(uniform_below(rng, nodes));
      // Over by the end of the window: the quiet tail after it has no faults.
      const Duration length = std::min<Duration>(
          Duration(static_cast<std::int64_t>(
              1 + uniform_below(rng, static_cast<std::uint64_t>(Duration(10min).count())))),
          (Instant{} + window) - at);
      world.schedule_at(at, sim::EventKind::kFault, 0x6f75746167, [&world, &bitcoin, node,
                                                                    length] {
        bitcoin.set_outage(node, world.now() + length);
        world.log_world(fmt::format("fault: bitcoind of n{} down for {} s", node,
                                    std::chrono::duration_cast<std::chrono::seconds>(length).count()));
      });
    }
  }
  return count;
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
