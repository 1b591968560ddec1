#include "scenarios/chain_scenario.h"

#include <fmt/format.h>

#include <deque>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "chaos/nemesis.h"
#include "core/bitcoin/auxpow.h"
#include "core/crypto/tagged_hash.h"
#include "core/execution/block_execution.h"
#include "core/execution/ledger.h"
#include "scenarios/sim_keys.h"

namespace alys::scenarios {

namespace {

std::string short_hex(const Hash256& h) { return h.to_hex().substr(0, 12); }

SecretKey account_key(std::size_t index) { return derived_key("alys/sim/account", index); }

}  // namespace

SecretKey sim_node_key(std::size_t index) { return derived_key("alys/sim/node", index); }

// Evidence from every node's chain actor (ChainObserver), shared by the checkers.
class ChainRecorder final : public ChainObserver {
 public:
  struct BlockInfo {
    SignedBlock block;
    std::set<NodeId> importers;
  };
  struct Rejection {
    NodeId node;
    Hash256 hash;
    std::string why;
    Instant at;
  };

  explicit ChainRecorder(sim::World& world, std::size_t nodes)
      : world_(world), heads_(nodes), finalized_(nodes) {}

  void on_block_imported(NodeId node, const SignedBlock& block, const Hash256& hash) override {
    auto& info = blocks_[hash];
    if (info.importers.empty()) {
      info.block = block;
      for (const LedgerTx& tx : block.block.payload.transactions) {
        tx_blocks_[ledger_tx_hash(tx)].push_back(hash);
      }
    }
    info.importers.insert(node);
  }
  void on_head(NodeId node, const Hash256& hash, std::uint64_t height) override {
    heads_[node] = {hash, height};
  }
  void on_finalized(NodeId node, const Hash256& hash, std::uint64_t height) override {
    finalized_[node] = {hash, height};
    // Every ancestor of a finalized block is final.
    for (Hash256 h = hash; final_blocks_.insert(h).second;) {
      auto it = blocks_.find(h);
      if (it == blocks_.end()) break;
      const ConsensusBlock& b = it->second.block.block;
      for (const PegInRef& ref : b.pegins) final_minted_[ref.to] += ref.amount_sat;
      for (const LedgerTx& tx : b.payload.transactions) {
        if (tx.kind == LedgerTxKind::kPegOut) {
          burn_final_at_.emplace(ledger_tx_hash(tx), world_.now());
        }
      }
      h = b.parent_hash;
    }
    auto [it, inserted] = finalized_at_.emplace(height, hash);
    if (!inserted && it->second != hash) {
      conflicts_.push_back(fmt::format("height {}: n{} finalized {} but {} was finalized before",
                                       height, node, short_hex(hash), short_hex(it->second)));
    }
  }
  void on_signed(NodeId node, std::uint32_t authority, std::uint64_t slot, const Hash256& hash,
                 bool) override {
    auto [it, inserted] = signed_.emplace(std::make_pair(authority, slot), hash);
    if (!inserted && it->second != hash) {
      double_signs_.push_back(
          {node, world_.now(),
           fmt::format("authority {} (n{}) signed {} and {} for slot {} at {}", authority, node,
                       short_hex(it->second), short_hex(hash), slot,
                       format_duration(world_.now() - Instant{}))});
    }
  }
  void on_pegout_signed(NodeId node, std::uint32_t member, const Hash256& payment,
                        const std::vector<OutPoint>& coins) override {
    signings_.push_back(PegOutCheckInput::Signing{node, member, payment, coins});
    if (pegout_signed_hook_) pegout_signed_hook_(node, member, payment);
  }
  std::int64_t final_minted(const EvmAddress& address) const {
    auto it = final_minted_.find(address);
    return it == final_minted_.end() ? 0 : it->second;
  }
  void on_block_rejected(NodeId node, const Hash256& hash, const Status& why) override {
    // Only context-free invalidity contradicts another node's import (see the observer).
    if (why.code() != StatusCode::kInvalidArgument) return;
    rejections_.push_back({node, hash, why.message(), world_.now()});
  }

  sim::World& world_;
  std::map<Hash256, BlockInfo> blocks_;
  // A transaction is final once a block carrying it is an ancestor of a finalized one.
  bool tx_final(const Hash256& tx) const {
    auto it = tx_blocks_.find(tx);
    if (it == tx_blocks_.end()) return false;
    for (const Hash256& b : it->second) {
      if (final_blocks_.count(b) != 0) return true;
    }
    return false;
  }

  // Lookups only, never iterated (so hashed containers cannot make reports depend on
  // memory layout); the workload asks tx_final for every transfer it tracks.
  std::unordered_map<Hash256, std::vector<Hash256>, Hash256Hasher> tx_blocks_;  // tx -> blocks
  std::unordered_set<Hash256, Hash256Hasher> final_blocks_;
  std::vector<ChainPoint> heads_;
  std::vector<ChainPoint> finalized_;
  std::map<std::uint64_t, Hash256> finalized_at_;
  std::vector<std::string> conflicts_;
  std::map<std::pair<std::uint32_t, std::uint64_t>, Hash256> signed_;
  struct DoubleSign {
    NodeId node;
    Instant at;
    std::string evidence;
  };
  std::vector<DoubleSign> double_signs_;
  std::vector<Rejection> rejections_;
  // Peg-outs: sats minted by final blocks per address (final blocks are final everywhere:
  // a conflict is the finality checker's failure), when each burn became final, and every
  // signing a federation member released.
  std::map<EvmAddress, std::int64_t> final_minted_;
  std::map<Hash256, Instant> burn_final_at_;
  std::vector<PegOutCheckInput::Signing> signings_;
  std::function<void(NodeId, std::uint32_t, const Hash256&)> pegout_signed_hook_;
};

namespace {

// The transfer workload: each arrival sends a transfer from a random account (up to
// kMaxInFlight not-yet-final ones per account, consecutive nonces). Like a wallet, it
// waits for finality (a block below some node's finalized point): a transfer not final
// after 20 s — in a block a reorg abandoned, in the mempool of a node that crashed, or
// dropped for arriving before its predecessor — is sent again (same tx) to a random node.
class Workload {
 public:
  struct Sent {
    LedgerTx tx;
    Hash256 hash;
    Instant sent_at{};
  };

  Workload(sim::World& world, ChainRecorder& recorder, std::size_t accounts, std::size_t nodes)
      : world_(world), recorder_(recorder), rng_(world.stream("workload")), nodes_(nodes) {
    for (std::size_t i = 0; i < accounts; ++i) keys_.emplace_back(account_key(i));
    nonces_.assign(accounts, 0);
    in_flight_.resize(accounts);
    endpoint_.resize(accounts);
    for (std::size_t i = 0; i < accounts; ++i) endpoint_[i] = static_cast<NodeId>(i % nodes);
  }
  static constexpr std::size_t kMaxInFlight = 16;

  static Wei initial_balance() { return Wei::from_sat(100'000'000'000ULL); }  // 1,000 BTC
  EvmAddress address(std::size_t i) const { return account_address(keys_[i].public_key()); }

  void tick(bool submit_new) {
    const std::size_t n = keys_.size();
    // Resend stale transfers; a 20 s threshold needs no finer scan than once a second.
    if (world_.now() - last_scan_ >= 1s) {
      last_scan_ = world_.now();
      for (std::size_t i = 0; i < n; ++i) {
        auto& queue = in_flight_[i];
        retire_final(i);
        if (queue.empty() || world_.now() - queue.front().sent_at < 20s) continue;
        pick_endpoint(i);
        for (Sent& f : queue) {
          if (recorder_.tx_final(f.hash)) continue;
          f.sent_at = world_.now();
          submit(i, f.tx);
        }
      }
    }
    if (!submit_new) return;
    const std::size_t from = uniform_below(rng_, n);
    retire_final(from);
    if (in_flight_[from].size() >= kMaxInFlight) return;  // busy: skip this arrival
    std::size_t to = uniform_below(rng_, n - 1);
    if (to >= from) ++to;
    LedgerTx tx;
    tx.kind = LedgerTxKind::kTransfer;
    tx.nonce = nonces_[from]++;
    tx.to = address(to);
    tx.value = Wei::from_sat(1 + uniform_below(rng_, 100'000));
    tx.fee = Wei::from_u64(1'000'000'000ULL * (1 + uniform_below(rng_, 10)));
    sign_ledger_tx(tx, keys_[from], Hash256{});
    const Hash256 hash = ledger_tx_hash(tx);
    in_flight_[from].push_back(Sent{tx, hash, world_.now()});
    all_.push_back(Sent{tx, hash, world_.now()});
    submit(from, tx);
  }

  const std::vector<Sent>& all() const { return all_; }

 private:
  // Drops the account's final transfers from the front of its queue (nonce order).
  void retire_final(std::size_t account) {
    auto& queue = in_flight_[account];
    while (!queue.empty() && recorder_.tx_final(queue.front().hash)) queue.pop_front();
  }

  // Each account talks to one node at a time (its wallet's endpoint), so its transfers
  // reach a mempool in nonce order; a resend round picks a new endpoint (the old one may
  // be down) and sends every stale transfer of the account there, in order.
  void submit(std::size_t account, const LedgerTx& tx) {
    auto* program = dynamic_cast<AlysNode*>(world_.program(endpoint_[account]));
    if (program == nullptr) {
      pick_endpoint(account);
      program = dynamic_cast<AlysNode*>(world_.program(endpoint_[account]));
    }
    if (program == nullptr) return;  // nothing up: the next resend round retries
    (void)program->chain().tell(chain::InboundTx{std::nullopt, tx});
  }
  void pick_endpoint(std::size_t account) {
    for (std::size_t attempt = 0; attempt < nodes_; ++attempt) {
      const auto node = static_cast<NodeId>(uniform_below(rng_, nodes_));
      if (world_.is_up(node)) {
        endpoint_[account] = node;
        return;
      }
    }
  }

  sim::World& world_;
  ChainRecorder& recorder_;
  Xoshiro256ss rng_;
  std::size_t nodes_;
  std::vector<SchnorrSigner> keys_;
  std::vector<std::uint64_t> nonces_;
  std::vector<std::deque<Sent>> in_flight_;
  std::vector<NodeId> endpoint_;  // per account
  std::vector<Sent> all_;
  Instant last_scan_{};
};

// The merged miner: after an exponential wait, asks a random up node for work, solves it
// with the AuxPoW builder and submits it to the same node.
class Miner {
 public:
  Miner(sim::World& world, std::size_t nodes, Duration mean)
      : world_(world), rng_(world.stream("miner")), nodes_(nodes), mean_(mean) {}

  void schedule(Instant until) {
    const Instant at = world_.now() + exponential_duration(rng_, mean_);
    if (at > until) return;
    world_.schedule_at(at, sim::EventKind::kCustom, 0x6d696e65, [this, until] {
      mine_once();
      schedule(until);
    });
  }

  std::uint64_t submitted = 0;

 private:
  void mine_once() {
    const auto node = static_cast<NodeId>(uniform_below(rng_, nodes_));
    auto* program = dynamic_cast<AlysNode*>(world_.program(node));
    if (program == nullptr) return;
    auto auxpow = program->auxpow();
    const std::uint32_t parent_time = static_cast<std::uint32_t>(world_.now().time_since_epoch().count() / 1'000'000'000);
    (void)auxpow.tell(chain::CreateAuxBlock{[this, auxpow, parent_time](Result<chain::AuxWork> work) {
      if (!work) return;
      AuxPowBuildParams params;
      params.aux_hash = work->aux_hash;
      params.chain_id = work->chain_id;
      params.bits = work->bits;
      params.parent_time = parent_time;
      auto pow = build_auxpow(params);
      if (!pow) return;
      ++submitted;
      (void)auxpow.tell(chain::SubmitAuxBlock{work->aux_hash, std::move(*pow), [](Status) {}});
    }});
  }

  sim::World& world_;
  Xoshiro256ss rng_;
  std::size_t nodes_;
  Duration mean_;
};

void check(ChainResult& result, const sim::World& world, std::string checker, std::string evidence) {
  result.failures.push_back(CheckFailure{std::move(checker), world.now(), std::move(evidence)});
}

// The canonical chain ending at `head`, genesis excluded, from the recorder's blocks.
std::vector<const SignedBlock*> chain_to(const ChainRecorder& rec, const Hash256& head) {
  std::vector<const SignedBlock*> out;
  for (Hash256 h = head;;) {
    auto it = rec.blocks_.find(h);
    if (it == rec.blocks_.end()) break;  // genesis (never "imported")
    out.push_back(&it->second.block);
    h = it->second.block.block.parent_hash;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// `chain`: the final canonical chain (chain_to). Also fills `backed_supply`: after each
// block of the chain, the replayed ledger's supply less the genesis allocations (what the
// peg-out conservation checker compares).
void check_transfers(ChainResult& result, const sim::World& world,
                     const std::vector<const SignedBlock*>& chain, const Workload& workload,
                     const ChainSpec& spec, std::size_t accounts, VerifyCache& cache,
                     std::vector<Wei>& backed_supply) {
  std::map<Hash256, int> applied;
  auto ledger = Ledger::from_genesis(spec.allocations);
  ALYS_ASSERT(ledger.has_value(), "chain scenario: genesis");
  Ledger state = std::move(*ledger);
  for (const SignedBlock* b : chain) {
    BlockContext ctx;
    ctx.height = b->block.height;
    if (b->block.auxpow_header) ctx.fee_recipient = b->block.auxpow_header->fee_recipient;
    for (const PegInRef& ref : b->block.pegins) {
      ctx.mints.push_back(PegInMint{ref.txid, ref.to, ref.amount_sat});
    }
    ExecutionOptions exec_options;
    exec_options.signature_check = [&cache](const LedgerTx& tx, const Hash256& tx_hash) {
      return cache.verify_keyed(tx_hash, [&] { return verify_ledger_tx_signature(tx); });
    };
    auto exec = execute_block(state, ctx, b->block.payload.transactions, ExecutionMode::kVerify,
                              exec_options);
    if (!exec) {
      check(result, world, "transfers",
            fmt::format("block h{} does not replay: {}", b->block.height, exec.error().message()));
      return;
    }
    if (exec->state_root != b->block.payload.state_root) {
      check(result, world, "transfers",
            fmt::format("block h{}: state root differs on replay", b->block.height));
      return;
    }
    state = std::move(exec->state);
    backed_supply.push_back(*state.total_supply().checked_sub(state.genesis_wei()));
    for (const LedgerTx& tx : b->block.payload.transactions) ++applied[ledger_tx_hash(tx)];
  }
  // Exactly once, and the workload's own accounting of balances.
  std::vector<Wei> expected(accounts, Workload::initial_balance());
  std::map<EvmAddress, std::size_t> index;
  for (std::size_t i = 0; i < accounts; ++i) index[workload_address(i)] = i;
  std::uint64_t lost = 0;
  std::string lost_evidence;  // the first few, enough to find them in a replay's log
  for (const auto& sent : workload.all()) {
    const int n = applied.count(sent.hash) ? applied[sent.hash] : 0;
    if (n > 1) {
      check(result, world, "transfers",
            fmt::format("tx {} applied {} times", short_hex(sent.hash), n));
    }
    if (n == 0) {
      if (++lost <= 4) {
        lost_evidence += fmt::format("{}tx {} (account {} nonce {}, first sent at {})",
                                     lost == 1 ? "" : ", ", short_hex(sent.hash),
                                     index.at(account_address(sent.tx.sender_key)), sent.tx.nonce,
                                     format_duration(sent.sent_at.time_since_epoch()));
      }
      continue;
    }
    ++result.txs_applied;
    const std::size_t from = index.at(account_address(sent.tx.sender_key));
    const std::size_t to = index.at(sent.tx.to);
    expected[from] = *expected[from].checked_sub(*sent.tx.value.checked_add(sent.tx.fee));
    expected[to] = *expected[to].checked_add(sent.tx.value);
  }
  if (lost > 0) {
    check(result, world, "transfers",
          fmt::format("{} of {} submitted transfers never applied: {}{}", lost,
                      workload.all().size(), lost_evidence, lost > 4 ? ", ..." : ""));
  }
  for (std::size_t i = 0; i < accounts; ++i) {
    const Wei got = state.account(workload_address(i)).balance;
    if (got != expected[i]) {
      check(result, world, "transfers",
            fmt::format("account {} balance {} but the workload expects {}", i, got.to_string(),
                        expected[i].to_string()));
      return;
    }
  }
  if (Status s = state.check_conservation(); !s) check(result, world, "transfers", s.message());
}

}  // namespace

std::string describe_failures(const ChainResult& result) {
  std::string out;
  for (const auto& f : result.failures) out += f.checker + ": " + f.evidence + "\n";
  return out;
}

const bridge::BridgeActor* bridge_actor_of(sim::World& world, NodeId node) {
  auto* program = dynamic_cast<AlysNode*>(world.program(node));
  if (program == nullptr || !program->bridge()) return nullptr;
  return dynamic_cast<const bridge::BridgeActor*>(program->bridge()->cell().instance());
}

const chain::ChainActor* chain_actor_of(sim::World& world, NodeId node) {
  auto* program = dynamic_cast<AlysNode*>(world.program(node));
  if (program == nullptr) return nullptr;
  return dynamic_cast<const chain::ChainActor*>(program->chain().cell().instance());
}

SecretKey workload_key(std::size_t i) { return account_key(i); }
EvmAddress workload_address(std::size_t i) { return account_address(account_key(i).xonly_public_key()); }

chaos::NemesisConfig ChainOptions::default_chain_nemesis() {
  chaos::NemesisConfig n;
  n.kinds = {"crash", "partition", "clog"};
  return n;
}

namespace {

// The run's whole fault plan: the fixed faults and, with chaos, the nemesis's for the seed.
chaos::NemesisPlan fault_plan(const ChainOptions& o) {
  chaos::NemesisPlan plan;
  if (o.chaos) {
    chaos::NemesisConfig n = o.nemesis;
    n.nodes = o.authorities + o.full_nodes;
    n.authorities = o.authorities;
    n.active_for = o.duration;
    n.bitcoin = o.bitcoin;
    if (!o.nemesis_exact) {
      if (o.clock_faults) n.kinds.insert("clock-jump");
      if (o.bitcoin) {
        n.kinds.insert("bitcoin-reorg");
        n.kinds.insert("bitcoind-outage");
        // Shallow reorgs only: below the confirmation depth.
        n.max_reorg_depth = o.pegin_confirmations > 1 ? o.pegin_confirmations - 1 : 0;
      }
    }
    plan = chaos::random_plan(o.seed, n);
  }
  if (o.buggify) plan.buggify = *o.buggify;
  plan.schedule.insert(plan.schedule.end(), o.faults.begin(), o.faults.end());
  chaos::sort_schedule(plan.schedule);
  return plan;
}

// True iff the schedule made `node` a Byzantine authority (chaos::Equivocate) at `at`: its
// double signs then are the fault at work, not a bug.
bool equivocating(const chaos::Schedule& schedule, NodeId node, Instant at) {
  return std::any_of(schedule.begin(), schedule.end(), [&](const chaos::TimedFault& f) {
    const auto* e = std::get_if<chaos::Equivocate>(&f.fault);
    return e != nullptr && e->node == node && f.at <= at && at <= f.at + f.duration;
  });
}

bool has_clock_fault(const chaos::Schedule& schedule) {
  return std::any_of(schedule.begin(), schedule.end(), [](const chaos::TimedFault& f) {
    return std::holds_alternative<chaos::ClockJump>(f.fault) ||
           std::holds_alternative<chaos::ClockDrift>(f.fault);
  });
}

}  // namespace

ChainResult run_chain(const ChainOptions& options) {
  const std::size_t total = options.authorities + options.full_nodes;
  const chaos::NemesisPlan plan = fault_plan(options);
  ALYS_ASSERT(chaos::validate_schedule(plan.schedule, total).is_ok(),
              "chain scenario: a schedule that does not fit the world (validate it first)");
  sim::WorldConfig wc;
  wc.seed = options.seed;
  wc.log_level = options.log_level;
  wc.buggify.enabled = plan.buggify;
  wc.network = options.network;
  wc.planted_bug = options.planted_bug;
  sim::World world(wc);
  if (options.log_sink) world.set_log_sink(options.log_sink);

  auto spec = std::make_shared<ChainSpec>();
  spec->slot_duration_ms = options.slot_ms;
  spec->max_blocks_without_pow = options.max_blocks_without_pow;
  spec->retarget.initial_bits = 0x207fffff;  // regtest-easy: the sim miner solves at once
  for (std::size_t i = 0; i < options.authorities; ++i) {
    spec->authorities.push_back(sim_node_key(i).xonly_public_key().bytes());
  }
  for (std::size_t i = 0; i < options.accounts; ++i) {
    spec->allocations.push_back({workload_address(i), Workload::initial_balance()});
  }

  // Bitcoin (issue 6): the federation is the authorities, with Alys's majority threshold.
  std::unique_ptr<sim::SimBitcoin> bitcoin;
  std::unique_ptr<PegInWorkload> pegin_workload;
  std::set<Hash256> flagged;  // by any node's bridge
  if (options.bitcoin) {
    std::vector<XOnlyPublicKey> members;
    for (std::size_t i = 0; i < options.authorities; ++i) {
      members.push_back(sim_node_key(i).xonly_public_key());
    }
    auto federation = Federation::create(members, Federation::majority(members.size()));
    ALYS_ASSERT(federation.has_value(), "chain scenario: federation");
    sim::SimBitcoinConfig bc;
    bc.block_interval_mean = options.bitcoin_block_mean;
    bitcoin = std::make_unique<sim::SimBitcoin>(world, bc, *federation);
    pegin_workload = std::make_unique<PegInWorkload>(
        world, *bitcoin, options.pegins, options.pegin_window.value_or(options.duration / 2));
    if (options.pegouts > 0) {
      std::vector<EvmAddress> users;
      for (std::size_t i = 0; i < options.pegout_users; ++i) users.push_back(pegout_user_address(i));
      pegin_workload->set_targets(std::move(users));
    }
  }

  ChainRecorder recorder(world, total);
  if (options.on_pegout_signed) {
    recorder.pegout_signed_hook_ = [&world, &options](NodeId node, std::uint32_t member,
                                                      const Hash256& payment) {
      options.on_pegout_signed(world, node, member, payment);
    };
  }
  // One memo for every node: each signature is verified once per run (DESIGN.md §5).
  auto verify_cache = std::make_shared<VerifyCache>(VerifyCache::kDefaultCapacity, options.seed);
  EvmAddress fee_recipient{};
  fee_recipient[0] = 0xfe;
  for (std::size_t i = 0; i < total; ++i) {
    NodeConfig config;
    config.spec = spec;
    config.node_key = sim_node_key(i);
    for (std::size_t p = 0; p < total; ++p) {
      if (p != i) config.peers.push_back(static_cast<NodeId>(p));
    }
    config.fee_recipient = fee_recipient;
    config.observer = &recorder;
    config.chain_verify_cache = verify_cache;
    config.engine_verify_cache = verify_cache;
    if (bitcoin) {
      NodeConfig::Bridge b;
      b.config.federation_script_pubkey = bitcoin->federation()->script_pubkey();
      b.config.start_height = 1;
      b.config.required_confirmations = options.pegin_confirmations;
      b.config.poll_interval = 10s;
      sim::SimBitcoin* btc = bitcoin.get();
      const auto node = static_cast<NodeId>(i);
      b.rpc = [btc, node](Env&) { return btc->client(node); };
      b.routes.on_flagged = [&flagged](const std::vector<bridge::TrackedPegIn>& f) {
        for (const auto& t : f) flagged.insert(t.pegin.txid);
      };
      config.bridge = std::move(b);
    }
    world.add_node([config](Env& env) { return std::make_unique<AlysNode>(env, config); });
  }
  for (NodeId late : options.late_nodes) {
    world.crash(late, sim::CrashDurability::kKeepAll);
    world.schedule_at(Instant{} + options.late_start, sim::EventKind::kCustom, late,
                      [&world, late] { world.restart(late); });
  }

  const Instant end_of_load = Instant{} + options.duration;
  Workload workload(world, recorder, options.accounts, total);
  Miner miner(world, total, options.miner_mean);
  miner.schedule(end_of_load);
  // Outlives the run: scheduled copies call back through it.
  std::function<void()> arrive;
  if (options.tx_per_sec > 0) {
    const Duration gap = Duration(1'000'000'000LL / options.tx_per_sec);
    arrive = [&, gap] {
      workload.tick(world.now() < end_of_load);
      if (world.now() < end_of_load + options.settle) {
        world.schedule_at(world.now() + gap, sim::EventKind::kCustom, 0x776f726b, arrive);
      }
    };
    world.schedule_at(Instant{} + gap, sim::EventKind::kCustom, 0x776f726b, arrive);
  }
  // Faults act on the world and, with peg-ins, on Bitcoin (set below); an evicting reorg
  // leaves out the newest deposit still shallow enough to go with it.
  chaos::FaultTarget fault_target{&world, nullptr, {}};
  if (has_clock_fault(plan.schedule)) {
    // The quiet tail starts with every wall clock resynchronised (NTP after the faults):
    // liveness is checked once the faults, clock skew included, are over.
    world.schedule_at(end_of_load, sim::EventKind::kFault, 0x6e7470, [&world, total, &wc] {
      const std::int64_t true_ms =
          wc.clocks.epoch_unix_ms + (world.now() - Instant{}).count() / 1'000'000;
      for (std::size_t i = 0; i < total; ++i) {
        sim::SimClock& clock = world.clock(static_cast<NodeId>(i));
        clock.set_drift_ppm(0);
        clock.jump(true_ms - clock.unix_ms());
      }
      world.log_world("fault: clocks resynchronised");
    });
  }
  if (options.setup) options.setup(world);
  std::unique_ptr<PegOutWorkload> pegout_workload;
  if (bitcoin && options.pegouts > 0) {
    PegOutWorkloadHooks hooks;
    hooks.tx_final = [&recorder](const Hash256& h) { return recorder.tx_final(h); };
    hooks.final_minted = [&recorder](const EvmAddress& a) { return recorder.final_minted(a); };
    hooks.submit = [&world](NodeId node, const LedgerTx& tx) {
      auto* program = dynamic_cast<AlysNode*>(world.program(node));
      if (program == nullptr) return false;
      (void)program->chain().tell(chain::InboundTx{std::nullopt, tx});
      return true;
    };
    pegout_workload = std::make_unique<PegOutWorkload>(
        world, std::move(hooks), options.pegout_users, total, options.pegouts,
        Instant{} + options.pegout_window_start.value_or(options.duration / 4),
        Instant{} + options.pegout_window_end.value_or(options.duration * 3 / 4));
    pegout_workload->schedule(end_of_load + options.settle);
  }
  if (bitcoin) {
    // Bitcoin keeps mining through the quiet tail, so the last deposits get deep.
    bitcoin->start(end_of_load + options.settle);
    pegin_workload->schedule();
    fault_target.bitcoin = bitcoin.get();
    fault_target.reorg_evictions = [&bitcoin, &pegin_workload](std::uint32_t depth) {
      return pegin_workload->shallow_deposits(*bitcoin, depth);
    };
    if (options.bitcoin_setup) options.bitcoin_setup(world, *bitcoin, *pegin_workload);
  }

  chaos::schedule_faults(fault_target, plan.schedule);

  // Run, then stop mid-slot so in-flight blocks have landed everywhere.
  const std::int64_t slot_ns = static_cast<std::int64_t>(options.slot_ms) * 1'000'000;
  const Instant end = end_of_load + options.settle;
  const std::int64_t epoch_ns = wc.clocks.epoch_unix_ms * 1'000'000;
  const std::int64_t phase = (epoch_ns + (end - Instant{}).count()) % slot_ns;
  const Instant stop = end + Duration(slot_ns - phase + slot_ns / 2);
  ChainResult result;
  const bool early = options.stop_at && kTimeZero + *options.stop_at < stop;
  if (options.trace_sink) world.set_trace_sink(options.trace_sink);
  result.stats = world.run_until(early ? kTimeZero + *options.stop_at : stop);

  // --- checks -------------------------------------------------------------------------
  result.nodes.resize(total);
  for (std::size_t i = 0; i < total; ++i) {
    auto& s = result.nodes[i];
    s.up = world.is_up(static_cast<NodeId>(i));
    s.head = recorder.heads_[i].hash;
    s.head_height = recorder.heads_[i].height;
    s.finalized_height = recorder.finalized_[i].height;
    result.max_finalized = std::max(result.max_finalized, s.finalized_height);
    if (auto* node = dynamic_cast<AlysNode*>(world.program(static_cast<NodeId>(i)))) {
      std::function<void(const actor::HealthNode&)> walk = [&](const actor::HealthNode& h) {
        if (!h.supervisor) s.actor_restarts[h.name] = h.stats.restarts;
        for (const auto& c : h.children) walk(c);
      };
      walk(node->system().health());
      if (auto* sync_actor = dynamic_cast<sync::SyncActor*>(node->sync().cell().instance())) {
        s.sync = sync_actor->progress();
      }
      s.root_failed = node->system().root_failed();
    }
  }
  result.blocks = recorder.blocks_.size();
  result.txs_submitted = workload.all().size();
  result.auxpow_submitted = miner.submitted;
  result.faults = plan.schedule.size();
  result.schedule = plan.schedule;
  result.chaos_kinds = plan.kinds;
  result.buggify = plan.buggify;

  // The nodes' bitcoind clients live in their bridges and use the Bitcoin model, which
  // goes before the world does: stop the nodes while both still exist.
  auto stop_nodes = [&] {
    if (!bitcoin) return;
    for (std::size_t i = 0; i < total; ++i) {
      if (world.is_up(static_cast<NodeId>(i))) world.crash(static_cast<NodeId>(i), sim::CrashDurability::kKeepAll);
    }
  };
  if (early) {
    result.stopped_early = true;
    stop_nodes();
    return result;
  }

  for (std::size_t i = 1; i < total; ++i) {
    if (result.nodes[i].head != result.nodes[0].head) {
      check(result, world, "heads-converge",
            fmt::format("n{} head h{} {} but n0 head h{} {}", i, result.nodes[i].head_height,
                        short_hex(result.nodes[i].head), result.nodes[0].head_height,
                        short_hex(result.nodes[0].head)));
      break;
    }
  }
  for (const auto& r : recorder.rejections_) {
    auto it = recorder.blocks_.find(r.hash);
    if (it != recorder.blocks_.end()) {
      check(result, world, "valid-blocks",
            fmt::format("n{} rejected block {} that n{} imported: {}", r.node, short_hex(r.hash),
                        *it->second.importers.begin(), r.why));
      break;
    }
  }
  for (const auto& [hash, info] : recorder.blocks_) {
    const auto& b = info.block;
    if (b.approvals.empty() ||
        b.approvals[0].authority_index != b.block.slot % options.authorities) {
      check(result, world, "proposer-per-slot",
            fmt::format("block {} h{} slot {} not signed first by authority {}", short_hex(hash),
                        b.block.height, b.block.slot, b.block.slot % options.authorities));
      break;
    }
  }
  for (const auto& d : recorder.double_signs_) {
    if (equivocating(plan.schedule, d.node, d.at)) {
      ++result.equivocations_seen;
    } else {
      check(result, world, "no-double-sign", d.evidence);
    }
  }
  for (const auto& c : recorder.conflicts_) check(result, world, "finality", c);
  if (options.duration >= 5min && result.max_finalized == 0) {
    check(result, world, "finality", "no block was finalized by AuxPoW");
  }
  const std::vector<const SignedBlock*> final_chain = chain_to(recorder, result.nodes[0].head);
  std::vector<Wei> backed_supply;
  check_transfers(result, world, final_chain, workload, *spec, options.accounts, *verify_cache,
                  backed_supply);
  if (bitcoin) {
    PegOutCheckResult pegouts;
    if (pegout_workload) {
      PegOutCheckInput po;
      po.bitcoin = bitcoin.get();
      po.sent = &pegout_workload->sent();
      po.chain = final_chain;
      po.backed_supply = backed_supply;
      po.finalized_height = result.nodes[0].finalized_height;
      po.burn_final_at = recorder.burn_final_at_;
      po.due_after = options.pegout_due_after;
      po.signings = recorder.signings_;
      po.flagged = flagged;
      po.at = world.now();
      if (options.inspect_pegout_check) options.inspect_pegout_check(po);
      pegouts = check_pegouts(po);
      for (CheckFailure& f : pegouts.failures) result.failures.push_back(std::move(f));
      result.pegouts_sent = pegout_workload->sent().size();
      result.pegout_burns = pegouts.burns;
      result.pegouts_paid = pegouts.paid;
    }
    PegInCheckInput in;
    in.paid_out_sat = pegouts.paid_out_sat;
    in.bitcoin = bitcoin.get();
    in.deposits = &pegin_workload->deposits();
    in.chain = final_chain;
    in.confirmations = options.pegin_confirmations;
    // Minting is due once a deposit is this deep: its confirmations, then up to a minute
    // of Bitcoin blocks for the bridges to poll, a proposer to include it and AuxPoW to
    // finalize it.
    in.settled_depth = options.pegin_confirmations + 3;
    in.flagged = flagged;
    in.at = world.now();
    for (CheckFailure& f : check_pegins(in)) result.failures.push_back(std::move(f));
    result.deposits = pegin_workload->deposits().size();
    result.bitcoin_height = bitcoin->tip_height();
    for (const SignedBlock* b : in.chain) result.pegins_minted += b->block.pegins.size();
  }
  stop_nodes();
  return result;
}

}  // namespace alys::scenarios
