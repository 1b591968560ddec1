// ChainRecorder: the evidence a chain scenario collects as it runs, from every node's chain
// actor (ChainObserver): every block imported and by whom, each node's head and finalized
// point, every signature an authority released, every peg-out signing, every rejection of
// a block as invalid. The checkers (scenarios/checkers/) judge it after the run; the
// workloads ask it whether a transaction is final.
//
// Deterministic: ordered containers for everything a checker iterates; hashed ones only
// for lookups.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/chain/block_tree.h"
#include "core/chain/chain_observer.h"
#include "core/results/run_timeline.h"
#include "runtime-sim/world.h"
#include "scenarios/pegin_workload.h"
#include "scenarios/pegout_workload.h"

namespace alys::scenarios {

class ChainRecorder final : public ChainObserver {
 public:
  // A block is named by its content's hash; the approvals travel beside it, so nodes may
  // import one block under different first signatures (its proposer's, or a usurper's on an
  // identical empty block). `proposers` keeps each first signer some import carried.
  static constexpr std::uint32_t kNoProposer = UINT32_MAX;
  struct BlockInfo {
    SignedBlock block;  // the first envelope imported
    std::set<NodeId> importers;
    std::set<std::uint32_t> proposers;
  };
  struct Rejection {
    NodeId node;
    Hash256 hash;
    std::uint32_t proposer;  // the refused envelope's first signer
    std::string why;
    Instant at;
  };
  struct DoubleSign {
    NodeId node;
    Instant at;
    std::string evidence;
  };

  ChainRecorder(sim::World& world, std::size_t nodes)
      : world_(world), heads_(nodes), finalized_(nodes) {}

  // ChainObserver.
  void on_block_imported(NodeId node, const SignedBlock& block, const Hash256& hash) override;
  void on_head(NodeId node, const Hash256& hash, std::uint64_t height) override;
  void on_finalized(NodeId node, const Hash256& hash, std::uint64_t height) override;
  void on_signed(NodeId node, std::uint32_t authority, std::uint64_t slot, const Hash256& hash,
                 bool as_proposer) override;
  void on_pegout_signed(NodeId node, std::uint32_t member, const Hash256& payment,
                        const std::vector<OutPoint>& coins) override;
  void on_block_rejected(NodeId node, const SignedBlock& block, const Hash256& hash,
                         const Status& why) override;

  // A transaction is final once a block carrying it is an ancestor of a finalized one.
  bool tx_final(const Hash256& tx) const;
  // Sats minted to `address` by final blocks.
  std::int64_t final_minted(const EvmAddress& address) const;
  // The chain ending at `head`, genesis excluded, oldest first (genesis is never imported).
  std::vector<const SignedBlock*> chain_to(const Hash256& head) const;
  // The highest head any node holds now.
  ChainPoint highest_head() const;
  // The height of the highest head any node held at `at` (0 before the first block).
  std::uint64_t highest_height_at(Instant at) const;

  const std::map<Hash256, BlockInfo>& blocks() const { return blocks_; }
  const std::vector<ChainPoint>& heads() const { return heads_; }
  const std::vector<ChainPoint>& finalized() const { return finalized_; }
  const std::vector<std::string>& finality_conflicts() const { return conflicts_; }
  const std::vector<DoubleSign>& double_signs() const { return double_signs_; }
  const std::vector<Rejection>& rejections() const { return rejections_; }
  const std::map<Hash256, Instant>& burn_final_at() const { return burn_final_at_; }
  const std::vector<PegOutCheckInput::Signing>& pegout_signings() const { return signings_; }

  // Called after each peg-out signing is recorded (tests crash members from it).
  std::function<void(NodeId, std::uint32_t, const Hash256&)> pegout_signed_hook;

  // Also records heights and peg-operation states into `timeline` (run reports). Set before
  // the run; recording only reads what the observer calls already carry.
  void record_timeline(RunTimeline* timeline) { timeline_ = timeline; }
  // Adds the states only the workloads know (deposit made, peg-out sent) and writes the
  // peg operations into the timeline, ordered by their first state's time.
  void finish_timeline(const std::vector<Deposit>& deposits, const std::vector<PegOutSent>& sent);

 private:
  sim::World& world_;
  std::map<Hash256, BlockInfo> blocks_;
  // Lookups only, never iterated (so hashed containers cannot make reports depend on
  // memory layout); the workload asks tx_final for every transfer it tracks.
  std::unordered_map<Hash256, std::vector<Hash256>, Hash256Hasher> tx_blocks_;  // tx -> blocks
  std::unordered_set<Hash256, Hash256Hasher> final_blocks_;
  std::vector<ChainPoint> heads_;
  std::vector<ChainPoint> finalized_;
  // (time, height) each time the highest head of any node grew, in time order.
  std::vector<std::pair<Instant, std::uint64_t>> highest_growth_;
  std::map<std::uint64_t, Hash256> finalized_at_;
  std::vector<std::string> conflicts_;
  std::map<std::pair<std::uint32_t, std::uint64_t>, Hash256> signed_;
  std::vector<DoubleSign> double_signs_;
  std::vector<Rejection> rejections_;
  // Peg-outs: sats minted by final blocks per address (final blocks are final everywhere:
  // a conflict is the finality checker's failure), when each burn became final, and every
  // signing a federation member released.
  std::map<EvmAddress, std::int64_t> final_minted_;
  std::map<Hash256, Instant> burn_final_at_;
  std::vector<PegOutCheckInput::Signing> signings_;
  // Timeline recording (off when null): each peg operation's states by its id.
  RunTimeline* timeline_ = nullptr;
  std::map<Hash256, RunTimeline::PegOp> pegins_;
  std::map<Hash256, RunTimeline::PegOp> pegouts_;
  void peg_state(std::map<Hash256, RunTimeline::PegOp>& ops, const char* kind, const Hash256& id,
                 const char* state, Instant at);
};

// The first 12 hex digits of a hash: enough to find it in a replay's log.
std::string short_hex(const Hash256& h);

}  // namespace alys::scenarios
