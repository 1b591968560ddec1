#include "core/execution/embedded_engine.h"

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/execution/block_execution.h"
#include "core/runtime/assert.h"

namespace alys::execution {
namespace {

Status unknown_block(std::string_view role, const Hash256& hash) {
  return Status::not_found("engine: " + std::string(role) + " " + short_hash(hash) +
                           ": unknown block");
}

// Signatures taken as valid: those of assumed-valid blocks, and those of a block being
// re-executed (checked when it first applied).
const SignatureCheck& accept_every_signature() {
  static const SignatureCheck kAccept = [](const LedgerTx&, const Hash256&) { return true; };
  return kAccept;
}

}  // namespace

// Everything the engine owns. Tasks on the executor hold a weak_ptr to it, so a task that
// outlives the engine does nothing.
struct EmbeddedEngine::Core {
  // What applying a block to its parent's state takes again: enough to rebuild a state
  // that was not kept.
  struct Redo {
    BlockContext context;
    std::vector<LedgerTx> transactions;
  };
  struct Entry {
    // The state after this block. A run (execute_run) keeps only the state after its last
    // block: the blocks inside it would each cost a copy of every bucket they touch, kept
    // until finality, and their states are rarely asked for (a fork, a query, a
    // finalization landing inside the run), so state_at() rebuilds one from `redo` when
    // it is. Invariant: `state` or `redo` is set, and a block without `state` has its
    // parent recorded.
    std::optional<Ledger> state;
    Hash256 parent;
    std::uint64_t height = 0;
    ExecutedPayload result;  // what executing this block answered
    std::optional<Redo> redo;
  };
  // The last build_payload result, for the proposer's own execute_payload.
  struct Built {
    Hash256 parent;
    BlockContext context;
    ExecutionPayload payload;
    Ledger state;
    ExecutedPayload result;
  };

  explicit Core(Executor& ex) : executor(ex) {}

  Executor& executor;
  std::map<Hash256, Entry> states;
  // Pruned blocks kept only to rebuild the finalized state from, when its run did not keep
  // it: the finalized block's ancestors down to the nearest kept state. Not known blocks
  // (nothing executes on them, no query sees them).
  std::map<Hash256, Entry> bases;
  Hash256 head;
  Hash256 finalized;
  std::optional<Built> last_built;
  SignatureCheck signature_check;
  std::shared_ptr<ExecutionMemo> memo;  // null unless shared with other engines

  // The request queue and the fault settings are shared by two sides: requests arrive on
  // the caller's strand (the engine actor's) and run on `executor` (the node's), which
  // are different strands of a thread pool in the real runtime. queue_mu guards them;
  // the jobs themselves (states, last_built) run only on `executor`, one at a time. In
  // the simulator the lock is never contended and changes nothing.
  std::mutex queue_mu;
  std::deque<Task> jobs;          // guarded by queue_mu
  bool pump_scheduled = false;    // likewise
  bool closed = false;            // likewise
  std::uint32_t fail_remaining = 0;  // likewise
  Duration stall_pending{0};      // likewise

  // ---- request queue

  void submit(const std::shared_ptr<Core>& self, Task job) {
    bool post_pump = false;
    {
      std::lock_guard lock(queue_mu);
      jobs.push_back(std::move(job));
      post_pump = claim_pump();
    }
    if (post_pump) post_pump_task(self, Duration{0});
  }

  // REQUIRES: queue_mu held. True if the caller must post the pump (none is pending).
  bool claim_pump() {
    if (pump_scheduled) return false;
    pump_scheduled = true;
    return true;
  }

  void post_pump_task(const std::shared_ptr<Core>& self, Duration delay) {
    std::weak_ptr<Core> weak = self;
    auto task = [weak] {
      if (auto core = weak.lock()) core->pump(core);
    };
    if (delay > Duration{0}) executor.after(delay, std::move(task));
    else executor.post(std::move(task));
  }

  // Runs one job. `self` keeps the core alive even if a callback destroys the engine.
  // A job that submits (a request from inside a callback) claims the next pump itself.
  void pump(const std::shared_ptr<Core>& self) {
    Task job;
    Duration stall{0};
    {
      std::lock_guard lock(queue_mu);
      pump_scheduled = false;
      if (closed || jobs.empty()) return;
      if (stall_pending > Duration{0}) {
        stall = stall_pending;
        stall_pending = Duration{0};
        pump_scheduled = true;
      } else {
        job = std::move(jobs.front());
        jobs.pop_front();
      }
    }
    if (stall > Duration{0}) {
      post_pump_task(self, stall);
      return;
    }
    job();
    bool again = false;
    {
      std::lock_guard lock(queue_mu);
      again = !closed && !jobs.empty() && claim_pump();
    }
    if (again) post_pump_task(self, Duration{0});
  }

  // Ok, or the injected failure this request must answer with.
  Status injected_failure() {
    std::lock_guard lock(queue_mu);
    if (fail_remaining == 0) return Status::ok();
    --fail_remaining;
    return Status::unavailable("engine: injected failure");
  }

  // ---- the requests' work (run from pump)

  Status check_height(const Entry& parent, std::uint64_t height) const {
    if (height == parent.height + 1) return Status::ok();
    return Status::invalid_argument("engine: height: expected " +
                                    std::to_string(parent.height + 1) + " (parent at " +
                                    std::to_string(parent.height) + "), got " +
                                    std::to_string(height));
  }

  // ---- states not kept (see Entry)

  // Applies a block that applied before (to the same state), in place.
  static void redo(Ledger& state, const Entry& e) {
    ALYS_ASSERT(e.redo.has_value(), "engine: a state neither kept nor rebuildable");
    ExecutionOptions options{limits::kMaxTxsPerBlock, accept_every_signature()};
    options.compute_state_root = false;
    auto exec = execute_block(std::move(state), e.redo->context, e.redo->transactions,
                              ExecutionMode::kVerify, options);
    ALYS_ASSERT(exec.has_value(), "engine: a block that applied once failed to apply again");
    state = std::move(exec->state);
  }

  // The parent of a block whose state was not kept: recorded, or a base.
  const Entry& base_parent(const Entry& e) const {
    auto it = states.find(e.parent);
    if (it == states.end()) {
      it = bases.find(e.parent);
      ALYS_ASSERT(it != bases.end(), "engine: a state not kept lost its parent");
    }
    return it->second;
  }
  auto base_parents() const {
    return [this](const Entry& e) -> const Entry& { return base_parent(e); };
  }

  // The blocks from `e` down to the nearest kept state, `e` first, that state's block
  // excluded (empty if `e` has its state); `parent_of(entry)` names an entry's parent.
  template <typename ParentOf>
  static std::vector<const Entry*> unkept_from(const Entry& e, ParentOf parent_of) {
    std::vector<const Entry*> unkept;
    for (const Entry* at = &e; !at->state; at = &parent_of(*at)) unkept.push_back(at);
    return unkept;
  }

  // The state after `e`: its own, or rebuilt from the nearest kept state below it.
  template <typename ParentOf>
  static Ledger state_of(const Entry& e, ParentOf parent_of) {
    const std::vector<const Entry*> unkept = unkept_from(e, parent_of);
    if (unkept.empty()) return *e.state;
    Ledger state = *parent_of(*unkept.back()).state;
    for (auto it = unkept.rbegin(); it != unkept.rend(); ++it) redo(state, **it);
    return state;
  }

  // The state after recorded block `hash`, rebuilt (and then kept) if its run did not keep
  // it. REQUIRES: `hash` recorded.
  const Ledger& state_at(const Hash256& hash) {
    Entry& target = states.at(hash);
    if (!target.state) {
      target.state = state_of(target, base_parents());
      target.redo.reset();
    }
    return *target.state;
  }

  Result<BuiltPayload> build(const Hash256& parent_hash, BuildRequest& req) {
    auto it = states.find(parent_hash);
    if (it == states.end()) return unknown_block("parent", parent_hash);
    if (Status s = check_height(it->second, req.height); !s) return s;
    BlockContext context{req.height, req.fee_recipient, std::move(req.mints)};
    auto exec = execute_block(state_at(parent_hash), context, req.candidates, ExecutionMode::kBuild,
                              ExecutionOptions{req.max_txs, signature_check});
    if (!exec) return exec.error();
    BlockExecution& e = *exec;
    BuiltPayload out{ExecutionPayload{e.state_root, std::move(e.included)},
                     BlockContext{req.height, req.fee_recipient, std::move(e.mints)},
                     std::move(e.skipped_txs),
                     std::move(e.skipped_mints),
                     std::move(e.pegouts),
                     e.fees,
                     e.fees_paid};
    last_built = Built{parent_hash, out.context, out.payload, std::move(e.state),
                       ExecutedPayload{out.payload.state_root, out.pegouts, out.fees,
                                       out.fees_paid}};
    return out;
  }

  // The recorded answer if `block_hash` was executed before (an error if it was executed
  // on another parent or to another root); nullopt if it is new.
  std::optional<Result<ExecutedPayload>> known(const Hash256& parent_hash, const Hash256& block_hash,
                                               const ExecutionPayload& payload) const {
    auto it = states.find(block_hash);
    if (it == states.end()) return std::nullopt;
    const Entry& e = it->second;
    if (e.parent != parent_hash || e.result.state_root != payload.state_root) {
      return Status::invalid_argument(
          "engine: block " + short_hash(block_hash) + ": already executed on parent " +
          short_hash(e.parent) + " with state_root " + e.result.state_root.to_hex() +
          ", now parent " + short_hash(parent_hash) + " and state_root " +
          payload.state_root.to_hex());
    }
    return e.result;
  }

  Status table_room(std::size_t pending) const {
    if (states.size() + pending < kMaxEngineStates) return Status::ok();
    return Status::failed_precondition("engine: state table full (" +
                                       std::to_string(kMaxEngineStates) +
                                       " states): finalize to prune");
  }

  // What make_entry checks before it executes: `height` follows `parent`, and the table has
  // room beside `pending` states being made.
  Status can_record(const Entry& parent, std::uint64_t height, std::size_t pending) const {
    if (Status s = check_height(parent, height); !s) return s;
    return table_room(pending);
  }

  static Status wrong_root(const Hash256& block_hash, const Hash256& stated,
                           const Hash256& computed) {
    return Status::invalid_argument("engine: block " + short_hash(block_hash) +
                                    ": state_root: expected " + stated.to_hex() + ", got " +
                                    computed.to_hex());
  }

  // The block executed on `parent`, whose state `state` is, in place (not recorded), with
  // `pending` states being made besides those recorded: on success `state` is the state
  // after the block and the entry leaves its `state` empty; on failure `state` is left
  // unusable. With `defer_root` the state root is not computed: the stated one is taken,
  // for the caller to check on a later state.
  Result<Entry> make_entry(const Entry& parent, Ledger& state, const Hash256& parent_hash,
                           const Hash256& block_hash, const BlockContext& context,
                           const ExecutionPayload& payload, bool defer_root,
                           std::size_t pending) {
    if (Status s = can_record(parent, context.height, pending); !s) return s;
    if (last_built && last_built->parent == parent_hash && last_built->context == context &&
        last_built->payload == payload) {
      // The proposer's own block: building applied exactly these mints and transactions.
      Entry built{std::nullopt, parent_hash, context.height, std::move(last_built->result), {}};
      state = std::move(last_built->state);
      last_built.reset();
      if (built.result.state_root != payload.state_root) {
        return wrong_root(block_hash, payload.state_root, built.result.state_root);
      }
      return built;
    }
    // Built from the result, never from an empty Ledger first: an empty ledger still
    // allocates its bucket tables, and this runs once per block per node.
    ExecutionOptions options{limits::kMaxTxsPerBlock,
                             context.assumed_valid ? accept_every_signature() : signature_check};
    options.compute_state_root = !defer_root;
    auto exec = execute_block(std::move(state), context, payload.transactions,
                              ExecutionMode::kVerify, options);
    if (!exec) return exec.error();
    state = std::move(exec->state);
    const Hash256 root = defer_root ? payload.state_root : exec->state_root;
    if (root != payload.state_root) return wrong_root(block_hash, payload.state_root, root);
    return Entry{std::nullopt, parent_hash, context.height,
                 ExecutedPayload{root, std::move(exec->pegouts), exec->fees, exec->fees_paid},
                 {}};
  }

  Result<ExecutedPayload> execute(const Hash256& parent_hash, const Hash256& block_hash,
                                  const BlockContext& context, const ExecutionPayload& payload) {
    if (auto answer = known(parent_hash, block_hash, payload)) return *answer;
    auto it = states.find(parent_hash);
    if (it == states.end()) return unknown_block("parent", parent_hash);
    Ledger state = state_at(parent_hash);
    std::optional<Hash256> parent_root;
    if (memo) {
      parent_root = state.state_root();
      if (const ExecutionMemo::Outcome* shared =
              memo->find(*parent_root, block_hash, context, payload)) {
        // Another engine executed exactly this on this very state: the checks make_entry
        // makes before executing, then its state and answer.
        if (Status s = can_record(it->second, context.height, 0); !s) return s;
        auto [pos, inserted] = states.emplace(
            block_hash, Entry{shared->state, parent_hash, context.height, shared->result, {}});
        (void)inserted;
        return pos->second.result;
      }
    }
    auto made = make_entry(it->second, state, parent_hash, block_hash, context, payload,
                           /*defer_root=*/false, /*pending=*/0);
    if (!made) return made.error();
    if (memo) {
      memo->remember(ExecutionMemo::Inputs{*parent_root, block_hash, context, payload},
                     ExecutionMemo::Outcome{state, made->result});
    }
    made->state = std::move(state);
    auto [pos, inserted] = states.emplace(block_hash, std::move(*made));
    (void)inserted;
    return pos->second.result;
  }

  // ExecutionEngine::execute_run as one job. The blocks run one after another on one
  // state, in place, and only the state after the run's last block (and after the last
  // block before any fork inside the run) is kept; the others are rebuilt on demand (see
  // Entry). A block of an assumed-valid stretch defers its root when the next item is its
  // child and assumed valid too; the stretch's last block computes its root, which vouches
  // for the state the stretch reached. The states are recorded only at the end: if the run
  // stopped with roots unchecked (a failure inside a stretch), those are computed one by
  // one first, and nothing from the first wrong one on is recorded.
  struct Made {
    Hash256 hash;
    Entry entry;
    bool root_checked = true;
    std::size_t item = 0;
  };

  ExecutedRun execute_run(std::vector<ExecuteItem>& items) {
    ExecutedRun out;
    out.results.reserve(items.size());
    std::vector<Made> made;
    auto in_made = [&](const Entry& e) -> const Entry& { return made_parent(made, e); };
    std::optional<Ledger> state;  // after made.back(); empty once a failed block used it
    for (std::size_t i = 0; i < items.size(); ++i) {
      ExecuteItem& item = items[i];
      if (auto answer = known(item.parent, item.block_hash, item.payload)) {
        const bool failed = !*answer;
        out.results.push_back(std::move(*answer));
        if (failed) break;
        continue;
      }
      const Entry* parent = nullptr;
      const bool on_last = !made.empty() && made.back().hash == item.parent;
      if (on_last) {
        parent = &made.back().entry;
      } else if (auto it = states.find(item.parent); it != states.end()) {
        parent = &it->second;
      }
      if (parent == nullptr) {
        out.results.push_back(unknown_block("parent", item.parent));
        break;
      }
      if (!on_last) {
        // A new chain of blocks in the run: the one it leaves keeps its last state.
        if (!made.empty() && state) {
          made.back().entry.state = std::move(*state);
          made.back().entry.redo.reset();
        }
        state = state_at(item.parent);
      }
      ALYS_ASSERT(state.has_value(), "engine: a run lost the state it was running on");
      const bool defer_root = item.context.assumed_valid && i + 1 < items.size() &&
                              items[i + 1].parent == item.block_hash &&
                              items[i + 1].context.assumed_valid;
      auto entry = make_entry(*parent, *state, item.parent, item.block_hash, item.context,
                              item.payload, defer_root, made.size());
      if (!entry) {
        state.reset();
        out.results.push_back(entry.error());
        break;
      }
      out.results.push_back(entry->result);
      entry->redo = Redo{std::move(item.context), std::move(item.payload.transactions)};
      made.push_back(Made{item.block_hash, std::move(*entry), !defer_root, i});
    }
    // A stretch cut short (the run failed inside it): the states after its last checked
    // root are vouched for by nothing yet; check their roots now, in order.
    std::size_t unchecked_from = made.size();
    while (unchecked_from > 0 && !made[unchecked_from - 1].root_checked) --unchecked_from;
    if (unchecked_from < made.size()) {
      Ledger checking = state_of(made_parent(made, made[unchecked_from].entry), in_made);
      state.reset();
      for (std::size_t m = unchecked_from; m < made.size(); ++m) {
        if (made[m].entry.state) {
          checking = *made[m].entry.state;
        } else {
          redo(checking, made[m].entry);
        }
        const Hash256 computed = checking.state_root();
        const Hash256& stated = made[m].entry.result.state_root;
        if (computed != stated) {
          out.results.erase(out.results.begin() + static_cast<std::ptrdiff_t>(made[m].item),
                            out.results.end());
          out.results.push_back(wrong_root(made[m].hash, stated, computed));
          made.resize(m);
          break;
        }
        if (m + 1 == made.size()) state = std::move(checking);
      }
    }
    if (!made.empty() && !made.back().entry.state) {
      // The state after the run: what its next block (or run) most likely starts from.
      Entry& last = made.back().entry;
      last.state = state ? std::move(*state) : state_of(last, in_made);
      last.redo.reset();
    }
    for (Made& m : made) states.emplace(m.hash, std::move(m.entry));
    return out;
  }

  // The parent of `e`, an entry of a run being made or one of its ancestors: made in the
  // run, else recorded (or a base).
  const Entry& made_parent(const std::vector<Made>& made, const Entry& e) const {
    for (const Made& m : made) {
      if (m.hash == e.parent) return m.entry;
    }
    return base_parent(e);
  }

  Status forkchoice(const Hash256& head_hash, const Hash256& finalized_hash) {
    auto h = states.find(head_hash);
    if (h == states.end()) return unknown_block("head", head_hash);
    auto f = states.find(finalized_hash);
    if (f == states.end()) return unknown_block("finalized", finalized_hash);
    if (!descends(head_hash, finalized_hash)) {
      return Status::invalid_argument("engine: head " + short_hash(head_hash) +
                                      " does not descend from finalized " +
                                      short_hash(finalized_hash));
    }
    head = head_hash;
    finalized = finalized_hash;
    prune();
    return Status::ok();
  }

  // True iff walking parents from `hash` reaches `ancestor` (or hash == ancestor).
  bool descends(Hash256 hash, const Hash256& ancestor) const {
    const std::uint64_t floor = states.at(ancestor).height;
    while (hash != ancestor) {
      auto it = states.find(hash);
      if (it == states.end() || it->second.height <= floor) return false;
      hash = it->second.parent;
    }
    return true;
  }

  // Keeps the finalized state and its known descendants; drops the rest, but for the
  // bases the finalized state would be rebuilt from if its run did not keep it (rebuilding
  // it now would re-execute up to a run's blocks at every finalization, for a state
  // rarely asked for).
  void prune() {
    std::vector<Hash256> base_chain;
    for (const Entry* e : unkept_from(states.at(finalized), base_parents())) {
      base_chain.push_back(e->parent);
    }
    std::map<Hash256, Entry> kept_bases;
    for (const Hash256& h : base_chain) {
      auto node = states.extract(h);
      kept_bases.insert(node ? std::move(node) : bases.extract(h));  // base_parent found it
    }
    bases = std::move(kept_bases);
    const std::uint64_t floor = states.at(finalized).height;
    std::vector<std::pair<std::uint64_t, Hash256>> by_height;
    by_height.reserve(states.size());
    for (const auto& [hash, entry] : states) by_height.emplace_back(entry.height, hash);
    std::sort(by_height.begin(), by_height.end());
    std::set<Hash256> keep{finalized};
    for (const auto& [height, hash] : by_height) {
      if (height > floor && keep.count(states.at(hash).parent) != 0) keep.insert(hash);
    }
    for (auto it = states.begin(); it != states.end();) {
      it = keep.count(it->first) != 0 ? std::next(it) : states.erase(it);
    }
    if (last_built && keep.count(last_built->parent) == 0) last_built.reset();
  }
};

EmbeddedEngine::EmbeddedEngine(Executor& executor, const Hash256& genesis_block_hash,
                               Ledger genesis_state, std::uint64_t genesis_height)
    : core_(std::make_shared<Core>(executor)) {
  const Hash256 root = genesis_state.state_root();
  core_->states.emplace(genesis_block_hash,
                        Core::Entry{std::move(genesis_state), Hash256{}, genesis_height,
                                    ExecutedPayload{root, {}, Wei{}, Wei{}}, {}});
  core_->head = genesis_block_hash;
  core_->finalized = genesis_block_hash;
}

EmbeddedEngine::~EmbeddedEngine() {
  std::deque<Task> dropped;  // destroyed outside the lock
  std::lock_guard lock(core_->queue_mu);
  core_->closed = true;
  dropped.swap(core_->jobs);
}

void EmbeddedEngine::build_payload(const Hash256& parent_block_hash, BuildRequest request,
                                   Callback<BuiltPayload> done) {
  Core* core = core_.get();  // jobs live in the core, so it outlives them
  core_->submit(core_, [core, parent_block_hash, req = std::move(request),
                        done = std::move(done)]() mutable {
    if (Status s = core->injected_failure(); !s) return done(s);
    done(core->build(parent_block_hash, req));
  });
}

void EmbeddedEngine::execute_payload(const Hash256& parent_block_hash, const Hash256& block_hash,
                                     BlockContext context, ExecutionPayload payload,
                                     Callback<ExecutedPayload> done) {
  Core* core = core_.get();
  core_->submit(core_, [core, parent_block_hash, block_hash, ctx = std::move(context),
                        p = std::move(payload), done = std::move(done)] {
    if (Status s = core->injected_failure(); !s) return done(s);
    done(core->execute(parent_block_hash, block_hash, ctx, p));
  });
}

void EmbeddedEngine::execute_run(std::vector<ExecuteItem> items, Callback<ExecutedRun> done) {
  Core* core = core_.get();
  core_->submit(core_, [core, items = std::move(items), done = std::move(done)]() mutable {
    if (Status s = core->injected_failure(); !s) {
      ExecutedRun failed;
      failed.results.push_back(s);
      return done(std::move(failed));
    }
    done(core->execute_run(items));
  });
}

void EmbeddedEngine::forkchoice_updated(const Hash256& head_block_hash,
                                        const Hash256& finalized_block_hash,
                                        StatusCallback done) {
  Core* core = core_.get();
  core_->submit(core_, [core, head_block_hash, finalized_block_hash, done = std::move(done)] {
    if (Status s = core->injected_failure(); !s) return done(s);
    done(core->forkchoice(head_block_hash, finalized_block_hash));
  });
}

void EmbeddedEngine::account(const Hash256& block_hash, const EvmAddress& address,
                             Callback<Account> done) {
  Core* core = core_.get();
  core_->submit(core_, [core, block_hash, address, done = std::move(done)] {
    if (Status s = core->injected_failure(); !s) return done(s);
    auto it = core->states.find(block_hash);
    if (it == core->states.end()) return done(unknown_block("block", block_hash));
    done(core->state_at(block_hash).account(address));
  });
}

void EmbeddedEngine::set_fault(const EngineFault& fault) {
  std::lock_guard lock(core_->queue_mu);
  core_->fail_remaining = fault.fail_next_n;
  core_->stall_pending = fault.stall_for;
}

const Ledger* EmbeddedEngine::state(const Hash256& block_hash) const {
  if (core_->states.count(block_hash) == 0) return nullptr;
  return &core_->state_at(block_hash);
}

Result<Account> EmbeddedEngine::account_now(const Hash256& block_hash,
                                            const EvmAddress& address) const {
  const Ledger* s = state(block_hash);
  if (!s) return unknown_block("block", block_hash);
  return s->account(address);
}

std::size_t EmbeddedEngine::state_count() const { return core_->states.size(); }
Hash256 EmbeddedEngine::head() const { return core_->head; }
Hash256 EmbeddedEngine::finalized() const { return core_->finalized; }

Status EmbeddedEngine::insert_state(const Hash256& block_hash, const Hash256& parent_block_hash,
                                    std::uint64_t height, Ledger state) {
  const Hash256 root = state.state_root();
  if (auto it = core_->states.find(block_hash); it != core_->states.end()) {
    if (it->second.result.state_root == root) return Status::ok();
    return Status::invalid_argument("engine: insert_state: block " + short_hash(block_hash) +
                                    ": known with state_root " +
                                    it->second.result.state_root.to_hex() + ", given " +
                                    root.to_hex());
  }
  if (core_->states.size() >= kMaxEngineStates) {
    return Status::failed_precondition("engine: state table full (" +
                                       std::to_string(kMaxEngineStates) + " states)");
  }
  core_->states.emplace(block_hash, Core::Entry{std::move(state), parent_block_hash, height,
                                                ExecutedPayload{root, {}, Wei{}, Wei{}}, {}});
  return Status::ok();
}

void EmbeddedEngine::set_signature_check(SignatureCheck check) {
  core_->signature_check = std::move(check);
}

void EmbeddedEngine::set_execution_memo(std::shared_ptr<ExecutionMemo> memo) {
  core_->memo = std::move(memo);
}

}  // namespace alys::execution
