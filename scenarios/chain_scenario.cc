#include "scenarios/chain_scenario.h"

#include <fmt/format.h>

#include <deque>
#include <set>

#include "chaos/nemesis.h"
#include "core/bitcoin/auxpow.h"
#include "core/crypto/tagged_hash.h"
#include "core/execution/execution_memo.h"
#include "core/execution/ledger.h"
#include "scenarios/chain_recorder.h"
#include "scenarios/checkers/checker.h"
#include "scenarios/fault_timeline.h"
#include "scenarios/sim_keys.h"
#include "scenarios/trace_recorder.h"

namespace alys::scenarios {

namespace {

SecretKey account_key(std::size_t index) { return derived_key("alys/sim/account", index); }

}  // namespace

SecretKey sim_node_key(std::size_t index) { return derived_key("alys/sim/node", index); }

namespace {

// The transfer workload: each arrival sends a transfer from a random account (up to
// kMaxInFlight not-yet-final ones per account, consecutive nonces). Like a wallet, it
// waits for finality (a block below some node's finalized point): a transfer not final
// after 20 s — in a block a reorg abandoned, in the mempool of a node that crashed, or
// dropped for arriving before its predecessor — is sent again (same tx) to a random node.
// Every transfer it signs is remembered valid in the run's shared memo (remember_made), so
// the nodes verify a wallet's honest signatures by lookup, as the signer already knows them
// to be valid.
class Workload {
 public:
  using Sent = SentTransfer;

  // `keys` and `addresses`: account i's signer and address, made once by run_chain, which
  // outlive the workload.
  Workload(sim::World& world, ChainRecorder& recorder, VerifyCache& made_here,
           const std::vector<SchnorrSigner>& keys, const std::vector<EvmAddress>& addresses,
           std::size_t nodes)
      : world_(world),
        recorder_(recorder),
        made_here_(made_here),
        rng_(world.stream("workload")),
        nodes_(nodes),
        keys_(keys),
        addresses_(addresses) {
    const std::size_t accounts = keys_.size();
    nonces_.assign(accounts, 0);
    in_flight_.resize(accounts);
    endpoint_.resize(accounts);
    for (std::size_t i = 0; i < accounts; ++i) endpoint_[i] = static_cast<NodeId>(i % nodes);
  }
  static constexpr std::size_t kMaxInFlight = 16;

  static Wei initial_balance() { return workload_initial_balance(); }
  const EvmAddress& address(std::size_t i) const { return addresses_[i]; }

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
    made_here_.remember_made(hash);  // the engine's memo identity: the tx hash
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
  VerifyCache& made_here_;
  Xoshiro256ss rng_;
  std::size_t nodes_;
  const std::vector<SchnorrSigner>& keys_;
  const std::vector<EvmAddress>& addresses_;
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
Wei workload_initial_balance() { return Wei::from_sat(100'000'000'000ULL); }  // 1,000 BTC
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

bool has_clock_fault(const chaos::Schedule& schedule) {
  return std::any_of(schedule.begin(), schedule.end(), [](const chaos::TimedFault& f) {
    return std::holds_alternative<chaos::ClockJump>(f.fault) ||
           std::holds_alternative<chaos::ClockDrift>(f.fault);
  });
}

// The run's shape for its report: lane names, the ends, the faults as spans and marks (a
// late node counts as down until it starts).
void fill_timeline(const ChainOptions& o, const chaos::Schedule& schedule, Instant end_of_load,
                   Instant end, RunTimeline& timeline) {
  const std::size_t total = o.authorities + o.full_nodes;
  for (std::size_t i = 0; i < total; ++i) {
    timeline.node_names.push_back(fmt::format("n{} {}", i, i < o.authorities ? "authority" : "full node"));
  }
  timeline.end_ns = to_ns(end);
  timeline.load_end_ns = to_ns(std::min(end, end_of_load));
  for (NodeId late : o.late_nodes) {
    timeline.spans.push_back({"down", {late}, 0, to_ns(std::min(end, kTimeZero + o.late_start)),
                              fmt::format("n{} not started yet", late)});
  }
  add_fault_timeline(schedule, total, end, timeline);
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
  // Declared before the world: the nodes' actor systems report to it until the world ends.
  std::unique_ptr<TraceRecorder> tracer;
  sim::World world(wc);
  if (options.log_sink) world.set_log_sink(options.log_sink);

  auto spec = std::make_shared<ChainSpec>();
  spec->slot_duration_ms = options.slot_ms;
  spec->max_blocks_without_pow = options.max_blocks_without_pow;
  spec->retarget.initial_bits = 0x207fffff;  // regtest-easy: the sim miner solves at once
  for (std::size_t i = 0; i < options.authorities; ++i) {
    spec->authorities.push_back(sim_node_key(i).xonly_public_key().bytes());
  }
  // Each account's key pair and address, derived once: a point multiplication each.
  std::vector<SchnorrSigner> account_keys;
  std::vector<EvmAddress> account_addresses;
  account_keys.reserve(options.accounts);
  for (std::size_t i = 0; i < options.accounts; ++i) {
    account_keys.emplace_back(account_key(i));
    account_addresses.push_back(account_address(account_keys.back().public_key()));
    spec->allocations.push_back({account_addresses.back(), Workload::initial_balance()});
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
  recorder.record_timeline(options.timeline);
  if (options.trace_recording != nullptr) {
    tracer = std::make_unique<TraceRecorder>(world, total, *options.trace_recording);
  }
  if (options.on_pegout_signed) {
    recorder.pegout_signed_hook = [&world, &options](NodeId node, std::uint32_t member,
                                                      const Hash256& payment) {
      options.on_pegout_signed(world, node, member, payment);
    };
  }
  // One memo for every node: each signature is verified once per run (DESIGN.md §5).
  auto verify_cache = std::make_shared<VerifyCache>(VerifyCache::kDefaultCapacity, options.seed);
  // One run's engines share block executions (the nodes run on this one thread).
  auto execution_memo = std::make_shared<execution::ExecutionMemo>();
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
    config.execution_memo = execution_memo;
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
    if (tracer) config.handle_observer = tracer->observer(static_cast<NodeId>(i));
    const auto id = static_cast<NodeId>(i);
    world.add_node([config, id, &options](Env& env) {
      if (!options.configure_node) return std::make_unique<AlysNode>(env, config);
      NodeConfig mine = config;
      options.configure_node(id, mine);
      return std::make_unique<AlysNode>(env, mine);
    });
  }
  for (NodeId late : options.late_nodes) {
    world.crash(late, sim::CrashDurability::kKeepAll);
    world.schedule_at(Instant{} + options.late_start, sim::EventKind::kCustom, late,
                      [&world, late] { world.restart(late); });
  }

  const Instant end_of_load = Instant{} + options.duration;
  Workload workload(world, recorder, *verify_cache, account_keys, account_addresses, total);
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
  if (tracer) tracer->finish(plan.schedule, world.now(), result.stats.trace_hash, options.seed);
  result.process_exits = world.process_exits();

  // --- checks -------------------------------------------------------------------------
  result.nodes.resize(total);
  for (std::size_t i = 0; i < total; ++i) {
    auto& s = result.nodes[i];
    s.up = world.is_up(static_cast<NodeId>(i));
    s.head = recorder.heads()[i].hash;
    s.head_height = recorder.heads()[i].height;
    s.finalized_height = recorder.finalized()[i].height;
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
  result.blocks = recorder.blocks().size();
  result.txs_submitted = workload.all().size();
  result.auxpow_submitted = miner.submitted;
  result.faults = plan.schedule.size();
  result.schedule = plan.schedule;
  result.chaos_kinds = plan.kinds;
  result.buggify = plan.buggify;
  if (options.timeline != nullptr) {
    fill_timeline(options, plan.schedule, end_of_load, world.now(), *options.timeline);
    recorder.finish_timeline(pegin_workload ? pegin_workload->deposits() : std::vector<Deposit>{},
                             pegout_workload ? pegout_workload->sent() : std::vector<PegOutSent>{});
  }

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

  ChainEvidence evidence{options,
                         world,
                         recorder,
                         result.nodes,
                         plan.schedule,
                         recorder.chain_to(result.nodes[0].head),
                         recorder.highest_height_at(end_of_load),
                         {},
                         workload.all(),
                         {},
                         {},
                         account_addresses};
  evidence.replay = replay_chain(evidence.final_chain, *spec, *verify_cache);
  for (const SentTransfer& sent : workload.all()) {
    if (evidence.replay.applied.count(sent.hash) != 0) ++result.txs_applied;
  }
  for (const auto& d : recorder.double_signs()) {
    if (equivocation_fault_at(plan.schedule, d.node, d.at)) ++result.equivocations_seen;
  }
  if (bitcoin) {
    PegOutCheckResult pegouts;
    if (pegout_workload) {
      PegOutCheckInput po;
      po.bitcoin = bitcoin.get();
      po.sent = &pegout_workload->sent();
      po.chain = evidence.final_chain;
      po.backed_supply = evidence.replay.backed_supply;
      po.finalized_height = result.nodes[0].finalized_height;
      po.burn_final_at = recorder.burn_final_at();
      po.due_after = options.pegout_due_after;
      po.signings = recorder.pegout_signings();
      po.flagged = flagged;
      po.at = world.now();
      if (options.inspect_pegout_check) options.inspect_pegout_check(po);
      pegouts = check_pegouts(po);
      evidence.pegout_failures = std::move(pegouts.failures);
      result.pegouts_sent = pegout_workload->sent().size();
      result.pegout_burns = pegouts.burns;
      result.pegouts_paid = pegouts.paid;
    }
    PegInCheckInput in;
    in.paid_out_sat = pegouts.paid_out_sat;
    in.bitcoin = bitcoin.get();
    in.deposits = &pegin_workload->deposits();
    in.chain = evidence.final_chain;
    in.confirmations = options.pegin_confirmations;
    // Minting is due once a deposit is this deep: its confirmations, then up to a minute
    // of Bitcoin blocks for the bridges to poll, a proposer to include it and AuxPoW to
    // finalize it.
    in.settled_depth = options.pegin_confirmations + 3;
    in.flagged = flagged;
    in.at = world.now();
    evidence.pegin_failures = check_pegins(in);
    result.deposits = pegin_workload->deposits().size();
    result.bitcoin_height = bitcoin->tip_height();
    for (const SignedBlock* b : in.chain) result.pegins_minted += b->block.pegins.size();
  }
  for (const auto& checker : chain_checkers()) checker->check(evidence, result.failures);
  stop_nodes();
  return result;
}

}  // namespace alys::scenarios
