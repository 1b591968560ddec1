// transfers: every workload transfer applied exactly once on the final chain, and an
// independent replay of that chain gives every workload account the balance the
// workload's own accounting expects. Also replay_chain, the replay itself.
#include <fmt/format.h>

#include "core/execution/block_execution.h"
#include "scenarios/checkers/checker.h"

namespace alys::scenarios {

ChainReplay replay_chain(const std::vector<const SignedBlock*>& chain, const ChainSpec& spec,
                         VerifyCache& cache) {
  ChainReplay out;
  auto genesis = Ledger::from_genesis(spec.allocations);
  ALYS_ASSERT(genesis.has_value(), "replay_chain: genesis");
  Ledger state = std::move(*genesis);
  ExecutionOptions exec_options;
  exec_options.signature_check = [&cache](const LedgerTx& tx, const Hash256& tx_hash) {
    return cache.verify_keyed(tx_hash, [&] { return verify_ledger_tx_signature(tx); });
  };
  for (const SignedBlock* b : chain) {
    BlockContext ctx;
    ctx.height = b->block.height;
    if (b->block.auxpow_header) ctx.fee_recipient = b->block.auxpow_header->fee_recipient;
    for (const PegInRef& ref : b->block.pegins) {
      ctx.mints.push_back(PegInMint{ref.txid, ref.to, ref.amount_sat});
    }
    auto exec = execute_block(state, ctx, b->block.payload.transactions, ExecutionMode::kVerify,
                              exec_options);
    if (!exec) {
      out.error = fmt::format("block h{} does not replay: {}", b->block.height, exec.error().message());
      break;
    }
    if (exec->state_root != b->block.payload.state_root) {
      out.error = fmt::format("block h{}: state root differs on replay", b->block.height);
      break;
    }
    state = std::move(exec->state);
    out.backed_supply.push_back(*state.total_supply().checked_sub(state.genesis_wei()));
    for (const LedgerTx& tx : b->block.payload.transactions) ++out.applied[ledger_tx_hash(tx)];
  }
  out.state = std::move(state);
  return out;
}

namespace {

class Transfers final : public Checker {
 public:
  std::string_view name() const override { return "transfers"; }
  std::string_view guarantees() const override {
    return "every submitted transfer is applied exactly once on the final chain and an "
           "independent replay gives every account the balance the workload expects";
  }
  bool safety() const override { return true; }
  void check(const ChainEvidence& e, std::vector<CheckFailure>& out) const override {
    if (e.replay.error) {
      fail(e, out, *e.replay.error);
      return;
    }
    const std::size_t accounts = e.options.accounts;
    std::vector<Wei> expected(accounts, workload_initial_balance());
    std::map<EvmAddress, std::size_t> index;
    for (std::size_t i = 0; i < accounts; ++i) index[e.accounts[i]] = i;
    std::uint64_t lost = 0;
    std::string lost_evidence;  // the first few, enough to find them in a replay's log
    for (const SentTransfer& sent : e.transfers) {
      auto it = e.replay.applied.find(sent.hash);
      const int n = it == e.replay.applied.end() ? 0 : it->second;
      if (n > 1) fail(e, out, fmt::format("tx {} applied {} times", short_hex(sent.hash), n));
      if (n == 0) {
        if (++lost <= 4) {
          lost_evidence += fmt::format("{}tx {} (account {} nonce {}, first sent at {})",
                                       lost == 1 ? "" : ", ", short_hex(sent.hash),
                                       index.at(account_address(sent.tx.sender_key)), sent.tx.nonce,
                                       format_duration(sent.sent_at - kTimeZero));
        }
        continue;
      }
      const std::size_t from = index.at(account_address(sent.tx.sender_key));
      const std::size_t to = index.at(sent.tx.to);
      expected[from] = *expected[from].checked_sub(*sent.tx.value.checked_add(sent.tx.fee));
      expected[to] = *expected[to].checked_add(sent.tx.value);
    }
    if (lost > 0) {
      fail(e, out, fmt::format("{} of {} submitted transfers never applied: {}{}", lost,
                               e.transfers.size(), lost_evidence, lost > 4 ? ", ..." : ""));
    }
    const Ledger& state = *e.replay.state;
    for (std::size_t i = 0; i < accounts; ++i) {
      const Wei got = state.account(e.accounts[i]).balance;
      if (got != expected[i]) {
        fail(e, out, fmt::format("account {} balance {} but the workload expects {}", i,
                                 got.to_string(), expected[i].to_string()));
        return;
      }
    }
    if (Status s = state.check_conservation(); !s) fail(e, out, s.message());
  }
};

}  // namespace

std::unique_ptr<Checker> transfers_checker() { return std::make_unique<Transfers>(); }

}  // namespace alys::scenarios
