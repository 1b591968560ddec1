#include "scenarios/pegout_workload.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/bitcoin/address.h"
#include "core/chain/pegout_book.h"
#include "core/execution/ledger_tx.h"
#include "core/runtime/random.h"
#include "scenarios/sim_keys.h"

namespace alys::scenarios {

namespace {
constexpr std::uint64_t kEventPegout = 0x7065676f7574;
constexpr Duration kResendAfter = 20s;
constexpr Duration kScanEvery = 5s;
constexpr Duration kNoFundsRetry = 60s;

std::string short_hex(const Hash256& h) { return h.to_hex().substr(0, 12); }

// sats * 10^10 as Wei; REQUIRES: sats >= 0.
Wei sat_wei(std::int64_t sats) { return Wei::from_sat(static_cast<std::uint64_t>(sats)); }
}  // namespace

SecretKey pegout_user_key(std::size_t index) { return derived_key("alys/sim/pegout-user", index); }

EvmAddress pegout_user_address(std::size_t index) {
  return account_address(pegout_user_key(index).xonly_public_key());
}

// --- the workload ----------------------------------------------------------------------

PegOutWorkload::PegOutWorkload(sim::World& world, PegOutWorkloadHooks hooks, std::size_t accounts,
                               std::size_t nodes, std::size_t count, Instant start, Instant end)
    : world_(world),
      hooks_(std::move(hooks)),
      rng_(world.stream("pegouts")),
      nodes_(nodes),
      count_(count),
      start_(start),
      end_(end) {
  for (std::size_t i = 0; i < accounts; ++i) keys_.emplace_back(pegout_user_key(i));
  nonces_.assign(accounts, 0);
  spent_.assign(accounts, Wei{});
  open_.assign(accounts, std::nullopt);
}

void PegOutWorkload::schedule(Instant until) {
  until_ = until;
  const auto span = static_cast<std::uint64_t>(std::max<std::int64_t>((end_ - start_).count(), 1));
  for (std::size_t i = 0; i < count_; ++i) {
    const Instant at = start_ + Duration(static_cast<std::int64_t>(uniform_below(rng_, span)));
    world_.schedule_at(at, sim::EventKind::kCustom, kEventPegout, [this] { arrive(0); });
  }
  world_.schedule_at(start_ + kScanEvery, sim::EventKind::kCustom, kEventPegout, [this] { scan(); });
}

std::optional<std::size_t> PegOutWorkload::pick_account(std::int64_t sats, const Wei& fee) {
  const std::size_t n = keys_.size();
  const std::size_t first = uniform_below(rng_, n);
  const Wei need = *sat_wei(sats + 1).checked_add(fee);  // + 1 sat: the sub-sat remainder
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = (first + k) % n;
    if (open_[i]) continue;
    const Wei minted = sat_wei(hooks_.final_minted(account_address(keys_[i].public_key())));
    const auto left = minted.checked_sub(spent_[i]);
    if (left && *left >= need) return i;
  }
  return std::nullopt;
}

void PegOutWorkload::arrive(std::size_t tries) {
  const auto sats = static_cast<std::int64_t>(50'000 + uniform_below(rng_, 150'001));
  const Wei fee = Wei::from_u64(1'000'000'000ULL * (1 + uniform_below(rng_, 10)));
  const Wei remainder = Wei::from_u64(uniform_below(rng_, Wei::kPerSat));
  const std::optional<std::size_t> account = pick_account(sats, fee);
  if (!account) {
    // No user has enough finalized peg-ins yet (or all have one in flight): later.
    if (world_.now() + kNoFundsRetry < until_) {
      world_.schedule_at(world_.now() + kNoFundsRetry, sim::EventKind::kCustom, kEventPegout,
                         [this, tries] { arrive(tries + 1); });
    } else {
      world_.log_world("pegout workload: a peg-out found no funded user before the end");
    }
    return;
  }
  const std::size_t i = *account;
  WitnessProgram wp;
  wp.version = 0;
  const std::uint64_t tag = ++next_address_;
  for (int b = 0; b < 20; ++b) wp.program.push_back(static_cast<std::uint8_t>(rng_.next()));
  wp.program[0] = static_cast<std::uint8_t>(tag);  // distinct per peg-out, draws aside
  wp.program[1] = static_cast<std::uint8_t>(tag >> 8);
  auto address = encode_segwit_address(BitcoinNetwork::kRegtest, wp);
  ALYS_ASSERT(address.has_value(), "pegout workload: address");

  LedgerTx tx;
  tx.kind = LedgerTxKind::kPegOut;
  tx.nonce = nonces_[i]++;
  tx.value = *sat_wei(sats).checked_add(remainder);
  tx.fee = fee;
  tx.bitcoin_address = *address;
  sign_ledger_tx(tx, keys_[i], Hash256{});
  spent_[i] = *spent_[i].checked_add(*tx.value.checked_add(fee));
  PegOutSent s{tx, ledger_tx_hash(tx), *address, sats, world_.now()};
  open_[i] = sent_.size();
  sent_.push_back(s);
  world_.log_world(fmt::format("pegout workload: user {} burns {} sat for {}", i, sats, *address));
  const auto node = static_cast<NodeId>(uniform_below(rng_, nodes_));
  for (std::size_t k = 0; k < nodes_; ++k) {
    if (hooks_.submit(static_cast<NodeId>((node + k) % nodes_), tx)) break;
  }
}

void PegOutWorkload::scan() {
  for (std::size_t i = 0; i < open_.size(); ++i) {
    if (!open_[i]) continue;
    PegOutSent& s = sent_[*open_[i]];
    if (hooks_.tx_final(s.hash)) {
      open_[i].reset();
      continue;
    }
    if (world_.now() - s.sent_at < kResendAfter) continue;
    s.sent_at = world_.now();
    const auto node = static_cast<NodeId>(uniform_below(rng_, nodes_));
    for (std::size_t k = 0; k < nodes_; ++k) {
      if (hooks_.submit(static_cast<NodeId>((node + k) % nodes_), s.tx)) break;
    }
  }
  if (world_.now() + kScanEvery < until_) {
    world_.schedule_at(world_.now() + kScanEvery, sim::EventKind::kCustom, kEventPegout,
                       [this] { scan(); });
  }
}

// --- the checkers ----------------------------------------------------------------------

PegOutCheckResult check_pegouts(const PegOutCheckInput& in) {
  PegOutCheckResult result;
  auto fail = [&](std::string checker, std::string evidence) {
    result.failures.push_back(CheckFailure{std::move(checker), in.at, std::move(evidence)});
  };
  const sim::SimBitcoin& btc = *in.bitcoin;
  const Bytes federation_script = btc.federation()->script_pubkey();

  // pegout-signatures: per (member, coin), one payment.
  std::map<std::pair<std::uint32_t, OutPoint>, Hash256> signed_coin;
  for (const auto& s : in.signings) {
    for (const OutPoint& coin : s.coins) {
      auto [it, fresh] = signed_coin.emplace(std::make_pair(s.member, coin), s.payment);
      if (!fresh && it->second != s.payment) {
        fail("pegout-signatures",
             fmt::format("member {} (n{}) signed payments {} and {} that both spend {}:{}",
                         s.member, s.node, short_hex(it->second), short_hex(s.payment),
                         short_hex(coin.txid), coin.vout));
      }
    }
  }

  // The final chain's peg-outs: burns, proposals (by txid) and finalized payments.
  struct Burn {
    PegOutRequest request;
    std::uint64_t height = 0;
  };
  std::map<Hash256, Burn> burns;                       // by request id
  std::map<Hash256, PegOutProposal> proposals;         // by payment txid
  std::map<Hash256, std::uint64_t> payment_height;     // finalized payment -> block height
  // Value seen from Bitcoin: the deposit output of a minted peg-in.
  const auto deposit_value = [&](const Hash256& txid) -> std::optional<std::int64_t> {
    const Transaction* tx = btc.transaction(txid);
    if (tx == nullptr) return std::nullopt;
    std::int64_t sum = 0;
    for (const TxOut& o : tx->outputs) {
      if (o.script_pubkey == federation_script) sum += o.value;
    }
    return sum;
  };
  const auto coin_value = [&](const OutPoint& coin) -> std::optional<std::int64_t> {
    const Transaction* tx = btc.transaction(coin.txid);
    if (tx == nullptr || coin.vout >= tx->outputs.size()) return std::nullopt;
    return tx->outputs[coin.vout].value;
  };

  // pegout-conservation, block by block.
  std::int64_t held_sat = 0;       // Bitcoin the chain's peg-ins and payments leave held
  std::int64_t unpaid_sat = 0;     // burned, not yet paid
  Wei remainders{};                // sub-satoshi parts of burns
  std::map<Hash256, std::int64_t> unpaid_by_request;
  bool conservation_reported = false;
  for (std::size_t i = 0; i < in.chain.size(); ++i) {
    const ConsensusBlock& b = in.chain[i]->block;
    for (const PegInRef& ref : b.pegins) {
      const auto v = deposit_value(ref.txid);
      // A missing deposit breaks the equation below, as it should, unless a bridge flagged it.
      held_sat += in.flagged.count(ref.txid) != 0 ? ref.amount_sat : v.value_or(0);
    }
    for (const Transaction& tx : b.finalized_pegouts) {
      const Hash256 id = txid(tx);
      payment_height[id] = b.height;
      auto p = proposals.find(id);
      std::int64_t out_of_federation = 0;
      for (const TxIn& input : tx.inputs) out_of_federation += coin_value(input.prevout).value_or(0);
      for (const TxOut& o : tx.outputs) {
        if (o.script_pubkey == federation_script) out_of_federation -= o.value;
      }
      held_sat -= out_of_federation;
      if (p != proposals.end()) {
        for (const Hash256& r : p->second.request_ids) {
          unpaid_sat -= unpaid_by_request[r];
          unpaid_by_request[r] = 0;
        }
      }
    }
    if (b.pegout_proposal) proposals[txid(b.pegout_proposal->tx)] = *b.pegout_proposal;
    for (const LedgerTx& tx : b.payload.transactions) {
      if (tx.kind != LedgerTxKind::kPegOut) continue;
      const PegOutRequest r = pegout_request_of(tx);
      burns[r.tx_hash] = Burn{r, b.height};
      unpaid_sat += r.sats;
      unpaid_by_request[r.tx_hash] = r.sats;
      remainders = *remainders.checked_add(*r.value.checked_sub(sat_wei(r.sats)));
    }
    if (b.height > in.finalized_height || i >= in.backed_supply.size() || conservation_reported) {
      continue;
    }
    const auto lhs = sat_wei(std::max<std::int64_t>(held_sat, 0));
    const auto rhs = in.backed_supply[i].checked_add(sat_wei(unpaid_sat))->checked_add(remainders);
    if (held_sat < 0 || !rhs || lhs != *rhs) {
      fail("pegout-conservation",
           fmt::format("finalized block h{}: Bitcoin held for the chain {} sat, but supply {} wei "
                       "+ unpaid burns {} sat + remainders {} wei = {} wei",
                       b.height, held_sat, in.backed_supply[i].to_string(), unpaid_sat,
                       remainders.to_string(), rhs ? rhs->to_string() : "overflow"));
      conservation_reported = true;
    }
  }
  result.burns = burns.size();

  // pegout-authorized, and what confirmed payments took from the federation.
  std::map<std::string, std::vector<std::pair<Hash256, std::int64_t>>> paid_to;  // address -> (tx, sat)
  for (std::uint64_t h = 1; h <= btc.tip_height(); ++h) {
    const Block* block = btc.block_at(h);
    for (const Transaction& tx : block->transactions) {
      if (tx.is_coinbase()) continue;
      bool spends_federation = false;
      std::int64_t in_sum = 0;
      for (const TxIn& input : tx.inputs) {
        const auto v = coin_value(input.prevout);
        const Transaction* prev = btc.transaction(input.prevout.txid);
        if (prev != nullptr && input.prevout.vout < prev->outputs.size() &&
            prev->outputs[input.prevout.vout].script_pubkey == federation_script) {
          spends_federation = true;
          in_sum += v.value_or(0);
        }
      }
      if (!spends_federation) continue;
      const Hash256 id = txid(tx);
      if (payment_height.count(id) == 0) {
        fail("pegout-authorized",
             fmt::format("Bitcoin block {} holds {}, which spends federation coins but is no "
                         "payment the final chain finalized",
                         h, id.to_display_hex().substr(0, 12)));
        continue;
      }
      std::int64_t change = 0;
      for (const TxOut& o : tx.outputs) {
        if (o.script_pubkey == federation_script) change += o.value;
      }
      result.paid_out_sat += in_sum - change;
      for (const TxOut& o : tx.outputs) {
        if (o.script_pubkey == federation_script) continue;
        auto wp = parse_witness_program_script(o.script_pubkey);
        if (!wp) continue;
        auto address = encode_segwit_address(BitcoinNetwork::kRegtest, *wp);
        if (address) paid_to[*address].emplace_back(id, o.value);
      }
    }
  }

  // pegouts: each due burn paid exactly once, by a finalized payment naming it.
  std::map<Hash256, Hash256> payment_of_request;
  for (const auto& [id, p] : proposals) {
    if (payment_height.count(id) == 0) continue;
    for (const Hash256& r : p.request_ids) payment_of_request[r] = id;
  }
  for (const auto& [request_id, burn] : burns) {
    auto paid = paid_to.find(burn.request.bitcoin_address);
    const std::size_t times = paid == paid_to.end() ? 0 : paid->second.size();
    if (times > 1) {
      fail("pegouts", fmt::format("burn {} was paid {} times on Bitcoin", short_hex(request_id), times));
      continue;
    }
    if (times == 1) {
      ++result.paid;
      const auto& [tx, value] = paid->second.front();
      auto named = payment_of_request.find(request_id);
      if (named == payment_of_request.end() || named->second != tx) {
        fail("pegouts", fmt::format("burn {} was paid by {}, which is not the finalized payment "
                                    "naming it",
                                    short_hex(request_id), tx.to_display_hex().substr(0, 12)));
      }
      if (value > burn.request.sats || value <= 0) {
        fail("pegouts", fmt::format("burn {} of {} sat was paid {} sat", short_hex(request_id),
                                    burn.request.sats, value));
      }
      continue;
    }
    auto final_at = in.burn_final_at.find(request_id);
    if (final_at != in.burn_final_at.end() && in.at - final_at->second >= in.due_after) {
      fail("pegouts",
           fmt::format("burn {} of {} sat (block h{}, final {} before the end) is unpaid",
                       short_hex(request_id), burn.request.sats, burn.height,
                       format_duration(in.at - final_at->second)));
    }
  }
  // Every workload peg-out that reached the chain is one of its burns.
  for (const PegOutSent& s : *in.sent) {
    if (burns.count(s.hash) != 0 && burns.at(s.hash).request.sats != s.sats) {
      fail("pegouts", fmt::format("burn {} asks {} sat, the user burned {} sat", short_hex(s.hash),
                                  burns.at(s.hash).request.sats, s.sats));
    }
  }
  return result;
}

}  // namespace alys::scenarios
