// StorageActor on a simulated node: its messages (persist, the double-sign guard, load,
// range and block reads, snapshots), coalescing of consecutive writes into one WriteBatch
// (counted by a Storage wrapper) with their order kept, the failure rules (a failed write
// crashes and restarts the actor, a coalesced failure blames the first write and retries
// the rest, a failed signature write is only replied), the CrashForTest hook, and a node
// crash that drops unsynced writes followed by a restart that loads a consistent chain.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/actor/system.h"
#include "core/chain/codec.h"
#include "core/storage/chain_keys.h"
#include "core/storage/storage_actor.h"
#include "runtime-sim/tests/test_util.h"
#include "runtime-sim/world.h"

namespace alys::storage {
namespace {

using actor::ActorRef;
using actor::Reply;
using actor::ReplyTo;

// ----------------------------------------------------------------------------- fixtures

SignedBlock make_block(const Hash256& parent, std::uint64_t height, std::uint8_t salt = 0) {
  SignedBlock b;
  b.block.parent_hash = parent;
  b.block.height = height;
  b.block.slot = height * 2 + salt;
  std::array<std::uint8_t, 32> root{};
  for (std::size_t i = 0; i < 8; ++i) root[i] = static_cast<std::uint8_t>(height >> (8 * i));
  root[31] = salt;
  b.block.payload.state_root = Hash256(root);
  return b;
}

Hash256 hash_of(const SignedBlock& b) { return block_hash(b.block); }

std::vector<SignedBlock> make_chain(std::size_t n, std::uint8_t salt = 0) {
  std::vector<SignedBlock> out;
  Hash256 parent;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(make_block(parent, i, salt));
    parent = hash_of(out.back());
  }
  return out;
}

// Stores `b`, indexes it and moves the head to it.
ChainWrite extend_by(const SignedBlock& b) {
  ChainWrite w;
  w.add_block(b);
  w.canonical.emplace_back(b.block.height, hash_of(b));
  w.head = ChainPointer{hash_of(b), b.block.height};
  return w;
}

// Every Storage::write the actor makes: op count and sync flag.
struct WriteRecord {
  std::size_t ops = 0;
  bool sync = false;
};

class CountingStorage final : public Storage {
 public:
  CountingStorage(Storage& inner, std::vector<WriteRecord>* log) : inner_(inner), log_(log) {}
  Result<Bytes> get(ByteView key) override { return inner_.get(key); }
  Status write(const WriteBatch& batch, WriteOptions options) override {
    Status s = inner_.write(batch, options);
    if (s.is_ok()) log_->push_back({batch.size(), options.sync});
    return s;
  }
  std::unique_ptr<StorageIterator> iterate() override { return inner_.iterate(); }
  Result<std::vector<Bytes>> repair() override { return inner_.repair(); }
  using Storage::get;

 private:
  Storage& inner_;
  std::vector<WriteRecord>* log_;
};

// What the test observes; outlives node crashes.
struct Seen {
  std::vector<WriteRecord> writes;
  std::vector<Result<bool>> signed_replies;
  std::vector<Result<LoadedChain>> loads;
  std::vector<Result<std::vector<SignedBlock>>> ranges;
  std::vector<Result<std::optional<SignedBlock>>> blocks;
  std::vector<Result<std::optional<Bytes>>> snapshots;
};

// Drives the storage actor from inside the actor system (asks need an asking actor).
class Client;
struct RunInClient {
  std::function<void(Client&)> fn;
};
using ClientMsg =
    std::variant<RunInClient, Reply<bool>, Reply<LoadedChain>, Reply<std::vector<SignedBlock>>,
                 Reply<std::optional<SignedBlock>>, Reply<std::optional<Bytes>>>;

constexpr Duration kAskTimeout = 10s;

class Client final : public actor::Actor<ClientMsg> {
 public:
  Client(Seen* seen, ActorRef<StorageMsg> storage) : seen_(seen), storage_(std::move(storage)) {}

  template <typename T>
  void send(T message) {
    EXPECT_TRUE(tell(storage_, std::move(message)).is_ok());
  }
  void record(std::uint64_t slot, Hash256 hash) {
    ask<bool>(storage_, [&](ReplyTo<bool> r) { return RecordSignature{slot, hash, r}; },
              kAskTimeout);
  }
  void load() {
    ask<LoadedChain>(storage_, [](ReplyTo<LoadedChain> r) { return LoadChainRequest{r}; },
                     kAskTimeout);
  }
  void range(std::uint64_t start, std::uint32_t count) {
    ask<std::vector<SignedBlock>>(
        storage_,
        [&](ReplyTo<std::vector<SignedBlock>> r) { return GetBlocksByRange{start, count, r}; },
        kAskTimeout);
  }
  void block(Hash256 hash) {
    ask<std::optional<SignedBlock>>(
        storage_, [&](ReplyTo<std::optional<SignedBlock>> r) { return GetBlock{hash, r}; },
        kAskTimeout);
  }
  void snapshot(Hash256 hash) {
    ask<std::optional<Bytes>>(
        storage_, [&](ReplyTo<std::optional<Bytes>> r) { return LoadSnapshot{hash, r}; },
        kAskTimeout);
  }

  Status receive(ClientMsg& m) override {
    std::visit(
        [&](auto& msg) {
          using T = std::decay_t<decltype(msg)>;
          if constexpr (std::is_same_v<T, RunInClient>) {
            msg.fn(*this);
          } else if constexpr (std::is_same_v<T, Reply<bool>>) {
            seen_->signed_replies.push_back(std::move(msg.result));
          } else if constexpr (std::is_same_v<T, Reply<LoadedChain>>) {
            seen_->loads.push_back(std::move(msg.result));
          } else if constexpr (std::is_same_v<T, Reply<std::vector<SignedBlock>>>) {
            seen_->ranges.push_back(std::move(msg.result));
          } else if constexpr (std::is_same_v<T, Reply<std::optional<SignedBlock>>>) {
            seen_->blocks.push_back(std::move(msg.result));
          } else {
            seen_->snapshots.push_back(std::move(msg.result));
          }
        },
        m);
    return Status::ok();
  }

 private:
  Seen* seen_;
  ActorRef<StorageMsg> storage_;
};

// One node: an ActorSystem over the node's Env, its storage wrapped to count writes.
class StorageNode final : public NodeProgram {
 public:
  StorageNode(Env& env, Seen* seen, std::uint32_t batch_max)
      : counting_(env.storage(), &seen->writes),
        env_(env.id(), env.clock(), env.executor(), env.transport(), counting_, env.random(),
             env.buggify(), env.log()),
        system_(env_, config()) {
    actor::ChildOptions o = storage_actor_options();
    o.mailbox.batch_max = batch_max;
    storage_ = system_.root().spawn<StorageActor>(o);
    actor::ChildOptions c;
    c.name = "client";
    client_ = system_.root().spawn<Client>(c, seen, storage_);
  }
  void start() override { system_.start(); }

  actor::ActorSystem& system() { return system_; }
  const ActorRef<StorageMsg>& storage() const { return storage_; }
  const ActorRef<ClientMsg>& client() const { return client_; }

 private:
  static actor::SystemConfig config() {
    actor::SystemConfig c;
    c.root.max_restarts = 100;
    return c;
  }
  CountingStorage counting_;
  Env env_;
  actor::ActorSystem system_;  // destroyed before the Env it runs on
  ActorRef<StorageMsg> storage_;  // after the system: released before it
  ActorRef<ClientMsg> client_;
};

class StorageActorTest : public ::testing::Test {
 protected:
  void boot(std::uint32_t batch_max = kStorageBatchMax) {
    world_ = std::make_unique<sim::World>(sim::testing::config_with_seed(7));
    world_->add_node([this, batch_max](Env& env) -> std::unique_ptr<NodeProgram> {
      return std::make_unique<StorageNode>(env, &seen_, batch_max);
    });
    settle();
  }
  StorageNode& node() {
    NodeProgram* p = world_->program(0);
    ALYS_ASSERT(p != nullptr, "test: node is down");
    return static_cast<StorageNode&>(*p);
  }
  // Runs `fn` inside the client actor, then lets the world run.
  void run(std::function<void(Client&)> fn) {
    ASSERT_TRUE(node().client().tell(RunInClient{std::move(fn)}).is_ok());
    settle();
  }
  void settle() { world_->run_for(1s); }
  sim::SimDisk& disk() { return world_->disk(0); }
  std::uint64_t handler_failures() {
    return node().system().dead_letter_count(actor::DeadLetterReason::kHandlerFailed);
  }
  ChainStore direct() { return ChainStore(disk()); }

  Seen seen_;
  std::unique_ptr<sim::World> world_;
};

// ----------------------------------------------------------------------------- messages

TEST_F(StorageActorTest, PersistsAndServesEveryRead) {
  boot();
  const auto chain = make_chain(5);
  run([&](Client& c) {
    ChainWrite w;
    for (const SignedBlock& b : chain) {
      w.add_block(b);
      w.canonical.emplace_back(b.block.height, hash_of(b));
    }
    w.head = ChainPointer{hash_of(chain[4]), 4};
    w.finalized = ChainPointer{hash_of(chain[1]), 1};
    c.send(PersistChain{w, false});
    c.send(SaveSnapshot{hash_of(chain[3]), to_bytes("ledger"), false});
    c.load();
    c.range(2, 10);
    c.block(hash_of(chain[3]));
    c.block(Hash256());
    c.snapshot(hash_of(chain[3]));
  });
  ASSERT_EQ(seen_.loads.size(), 1u);
  ASSERT_TRUE(seen_.loads[0]) << seen_.loads[0].error().to_string();
  EXPECT_EQ(seen_.loads[0]->blocks, chain);
  EXPECT_EQ(seen_.loads[0]->finalized, (ChainPointer{hash_of(chain[1]), 1}));
  ASSERT_EQ(seen_.ranges.size(), 1u);
  ASSERT_TRUE(seen_.ranges[0]);
  EXPECT_EQ(*seen_.ranges[0], std::vector<SignedBlock>(chain.begin() + 2, chain.end()));
  ASSERT_EQ(seen_.blocks.size(), 2u);
  EXPECT_EQ(seen_.blocks[0]->value(), chain[3]);
  EXPECT_FALSE(seen_.blocks[1]->has_value());
  ASSERT_EQ(seen_.snapshots.size(), 1u);
  EXPECT_EQ(seen_.snapshots[0]->value(), to_bytes("ledger"));
}

TEST_F(StorageActorTest, RecordSignatureRepliesTrueFalseOrAnError) {
  boot();
  Hash256 a;
  a.data()[0] = 1;
  Hash256 b;
  b.data()[0] = 2;
  run([&](Client& c) {
    c.record(9, a);
    c.record(9, a);  // idempotent
    c.record(9, b);  // conflict: must not sign
  });
  ASSERT_EQ(seen_.signed_replies.size(), 3u);
  EXPECT_TRUE(*seen_.signed_replies[0]);
  EXPECT_TRUE(*seen_.signed_replies[1]);
  EXPECT_FALSE(*seen_.signed_replies[2]);
  EXPECT_EQ(disk().unsynced_batches(), 0u) << "a recorded signature must be synced";

  disk().fail_next_writes(1);
  run([&](Client& c) { c.record(10, b); });
  ASSERT_EQ(seen_.signed_replies.size(), 4u);
  ASSERT_FALSE(seen_.signed_replies[3]);
  EXPECT_EQ(seen_.signed_replies[3].error().code(), StatusCode::kIoError);
  EXPECT_EQ(handler_failures(), 0u) << "a failed guard write is replied, not a crash";
  EXPECT_EQ(direct().signed_for_slot(9)->value(), a);
  EXPECT_FALSE(direct().signed_for_slot(10)->has_value());
}

// ----------------------------------------------------------------------------- coalescing

constexpr std::size_t kBurst = 12;

// Sends kBurst one-block writes in one burst (block i moves the head to i), the 4th one
// synced, then a reorg in the same burst that truncates above height 8 and re-points it.
void send_burst(Client& c, const std::vector<SignedBlock>& chain, const SignedBlock& fork8) {
  for (std::size_t i = 0; i < kBurst; ++i) c.send(PersistChain{extend_by(chain[i]), i == 3});
  ChainWrite reorg = extend_by(fork8);
  reorg.truncate_canonical_above = 7;
  c.send(PersistChain{reorg, false});
}

TEST_F(StorageActorTest, ConsecutiveWritesCoalesceInOrder) {
  boot();
  const auto chain = make_chain(kBurst);
  const SignedBlock fork8 = make_block(hash_of(chain[7]), 8, 5);
  run([&](Client& c) { send_burst(c, chain, fork8); });
  // kBurst + 1 messages, far fewer batches; the sync one made its whole batch sync.
  EXPECT_LT(seen_.writes.size(), (kBurst + 1) / 2) << "writes were not coalesced";
  EXPECT_GE(seen_.writes.size(), 1u);
  EXPECT_TRUE(seen_.writes[0].sync);
  // Order held inside the batch: the reorg's truncation removed the entries 9..11 that
  // earlier messages of the same batch put, and the last head written won.
  Result<LoadedChain> l = direct().load();
  ASSERT_TRUE(l) << l.error().to_string();
  std::vector<SignedBlock> want(chain.begin(), chain.begin() + 8);
  want.push_back(fork8);
  EXPECT_EQ(l->blocks, want);
  EXPECT_EQ(l->head->hash, hash_of(fork8));
  for (std::uint64_t height = 9; height < kBurst; ++height) {
    EXPECT_FALSE(direct().canonical_hash(height)->has_value()) << "stale index entry " << height;
  }
}

TEST_F(StorageActorTest, WithoutBatchingEveryMessageIsItsOwnWrite) {
  boot(/*batch_max=*/1);
  const auto chain = make_chain(kBurst);
  const SignedBlock fork8 = make_block(hash_of(chain[7]), 8, 5);
  run([&](Client& c) { send_burst(c, chain, fork8); });
  EXPECT_EQ(seen_.writes.size(), kBurst + 1);
  Result<LoadedChain> l = direct().load();
  ASSERT_TRUE(l) << l.error().to_string();
  EXPECT_EQ(l->head->hash, hash_of(fork8));
  EXPECT_EQ(l->blocks.size(), 9u);
}

TEST_F(StorageActorTest, AReadBetweenWritesSeesExactlyTheWritesBeforeIt) {
  boot();
  const auto chain = make_chain(6);
  run([&](Client& c) {
    for (std::size_t i = 0; i < 3; ++i) c.send(PersistChain{extend_by(chain[i]), false});
    c.range(0, 100);
    c.load();
    for (std::size_t i = 3; i < 6; ++i) c.send(PersistChain{extend_by(chain[i]), false});
    c.range(0, 100);
  });
  ASSERT_EQ(seen_.ranges.size(), 2u);
  EXPECT_EQ(seen_.ranges[0]->size(), 3u);
  EXPECT_EQ(seen_.loads[0]->blocks.size(), 3u);
  EXPECT_EQ(*seen_.ranges[1], chain);
}

// ----------------------------------------------------------------------------- failures

TEST_F(StorageActorTest, AFailedWriteCrashesTheActorAndTheRestartedOneServes) {
  boot(/*batch_max=*/1);
  const auto chain = make_chain(3);
  run([&](Client& c) { c.send(PersistChain{extend_by(chain[0]), true}); });
  disk().fail_next_writes(1);
  run([&](Client& c) { c.send(PersistChain{extend_by(chain[1]), false}); });
  EXPECT_EQ(handler_failures(), 1u);
  EXPECT_EQ(node().storage().cell().stats().restarts, 1u);
  run([&](Client& c) {
    c.send(PersistChain{extend_by(chain[2]), false});
    c.load();
  });
  ASSERT_EQ(seen_.loads.size(), 1u);
  // The lost write left a gap under the new head: load reports it, naming the height.
  ASSERT_FALSE(seen_.loads[0]);
  EXPECT_EQ(seen_.loads[0].error().code(), StatusCode::kCorruption);
  EXPECT_NE(seen_.loads[0].error().message().find("canonical height 1"), std::string::npos)
      << seen_.loads[0].error().to_string();
}

TEST_F(StorageActorTest, ACoalescedFailureBlamesTheFirstWriteAndRetriesTheRest) {
  boot();
  std::vector<SignedBlock> blocks;
  for (std::uint8_t i = 0; i < 5; ++i) blocks.push_back(make_block(Hash256(), 0, i));
  disk().fail_next_writes(1);
  run([&](Client& c) {
    for (const SignedBlock& b : blocks) {
      ChainWrite w;
      w.add_block(b);
      c.send(PersistChain{w, false});
    }
  });
  EXPECT_EQ(handler_failures(), 1u);
  EXPECT_EQ(node().storage().cell().stats().restarts, 1u);
  // One mailbox batch: its commit failed; the restarted actor coalesced the retried tail.
  ASSERT_EQ(seen_.writes.size(), 1u);
  EXPECT_EQ(seen_.writes[0].ops, blocks.size() - 1);
  ChainStore store = direct();
  EXPECT_FALSE(store.block(hash_of(blocks[0]))->has_value()) << "the failing message";
  for (std::size_t i = 1; i < blocks.size(); ++i) {
    EXPECT_TRUE(store.block(hash_of(blocks[i]))->has_value()) << "message " << i << " lost";
  }
}

TEST_F(StorageActorTest, CrashForTestRestartsTheActorWhichKeepsServing) {
  boot();
  const auto chain = make_chain(2);
  run([&](Client& c) {
    c.send(PersistChain{extend_by(chain[0]), false});
    c.send(CrashForTest{});
    c.send(PersistChain{extend_by(chain[1]), false});  // queued behind the crash: kept
    c.load();
  });
  EXPECT_EQ(handler_failures(), 1u);
  EXPECT_EQ(node().storage().cell().stats().restarts, 1u);
  EXPECT_EQ(node().storage().cell().state(), actor::LifecycleState::kRunning);
  ASSERT_EQ(seen_.loads.size(), 1u);
  ASSERT_TRUE(seen_.loads[0]) << seen_.loads[0].error().to_string();
  EXPECT_EQ(seen_.loads[0]->blocks, chain);
  run([&](Client& c) { c.range(0, 10); });
  ASSERT_EQ(seen_.ranges.size(), 1u);
  EXPECT_EQ(*seen_.ranges[0], chain);
}

TEST_F(StorageActorTest, ANodeCrashDropsUnsyncedWritesAndTheRestartedNodeLoadsAPrefix) {
  boot();
  const auto chain = make_chain(6);
  run([&](Client& c) {
    c.send(PersistChain{extend_by(chain[0]), false});
    c.send(PersistChain{extend_by(chain[1]), true});
    c.record(3, hash_of(chain[2]));
  });
  run([&](Client& c) {
    for (std::size_t i = 2; i < 6; ++i) c.send(PersistChain{extend_by(chain[i]), false});
  });
  ASSERT_GT(disk().unsynced_batches(), 0u);
  world_->crash(0, sim::CrashDurability::kLoseAll);
  world_->restart(0);
  settle();
  run([&](Client& c) { c.load(); });
  ASSERT_EQ(seen_.loads.size(), 1u);
  ASSERT_TRUE(seen_.loads[0]) << seen_.loads[0].error().to_string();
  EXPECT_EQ(seen_.loads[0]->blocks, std::vector<SignedBlock>(chain.begin(), chain.begin() + 2));
  EXPECT_EQ(seen_.loads[0]->highest_signed_slot, 3u);
  ASSERT_EQ(seen_.signed_replies.size(), 1u);
  run([&](Client& c) { c.record(3, hash_of(chain[3])); });
  ASSERT_EQ(seen_.signed_replies.size(), 2u);
  EXPECT_FALSE(*seen_.signed_replies[1]) << "the guard must survive the crash";
}

}  // namespace
}  // namespace alys::storage
