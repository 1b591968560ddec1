// stored-chains: what each node keeps on disk is a valid chain agreeing with the network,
// and no finality it made durable was lost across its crashes.
#include <fmt/format.h>

#include "core/storage/chain_store.h"
#include "scenarios/checkers/checker.h"

namespace alys::scenarios {
namespace {

class StoredChains final : public Checker {
 public:
  std::string_view name() const override { return "stored-chains"; }
  std::string_view guarantees() const override {
    return "every running node's store loads as a chain of valid blocks whose finalized point "
           "is on the common final chain, and no node finalized less than its store holds";
  }
  bool safety() const override { return true; }
  void check(const ChainEvidence& e, std::vector<CheckFailure>& out) const override {
    for (std::size_t i = 0; i < e.nodes.size(); ++i) {
      const auto node = static_cast<NodeId>(i);
      if (!e.nodes[i].up) continue;
      sim::SimDisk& disk = e.world.disk(node);
      // Corruption a fault injected and no start-up has met yet: the next start repairs it.
      if (disk.corrupted_values() > 0) continue;
      storage::ChainStore store(disk);
      Result<storage::LoadedChain> loaded = store.load();
      if (!loaded) {
        fail(e, out, fmt::format("n{}: the stored chain does not load: {}", i, loaded.error().to_string()));
        continue;
      }
      check_node(e, out, i, *loaded);
    }
  }

 private:
  void check_node(const ChainEvidence& e, std::vector<CheckFailure>& out, std::size_t i,
                  const storage::LoadedChain& loaded) const {
    for (std::size_t k = 0; k < loaded.blocks.size(); ++k) {
      const SignedBlock& b = loaded.blocks[k];
      if (b.block.height == 0) continue;  // genesis comes from the spec
      const Hash256& hash = loaded.hashes[k];  // the store checked it against the block
      if (e.recorder.blocks().count(hash) == 0) {
        fail(e, out, fmt::format("n{}: stored block {} h{} was never imported by any node", i,
                                 short_hex(hash), b.block.height));
        return;
      }
    }
    if (!loaded.finalized || loaded.finalized->height == 0) return;
    const storage::ChainPointer& f = *loaded.finalized;
    const bool on_final_chain = f.height <= e.final_chain.size() &&
                                e.final_chain[f.height - 1]->block.height == f.height &&
                                block_hash(e.final_chain[f.height - 1]->block) == f.hash;
    if (!on_final_chain) {
      fail(e, out, fmt::format("n{}: stored finalized block {} h{} is not on the common chain", i,
                               short_hex(f.hash), f.height));
    }
    if (e.nodes[i].finalized_height < f.height) {
      fail(e, out, fmt::format("n{}: finalized h{} but its store had made h{} durable", i,
                               e.nodes[i].finalized_height, f.height));
    }
  }
};

}  // namespace

std::unique_ptr<Checker> stored_chains_checker() { return std::make_unique<StoredChains>(); }

}  // namespace alys::scenarios
