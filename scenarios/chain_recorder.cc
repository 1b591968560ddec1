#include "scenarios/chain_recorder.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/execution/ledger.h"

namespace alys::scenarios {

std::string short_hex(const Hash256& h) { return h.to_hex().substr(0, 12); }

namespace {
std::uint32_t first_signer(const SignedBlock& b) {
  return b.approvals.empty() ? ChainRecorder::kNoProposer : b.approvals[0].authority_index;
}
}  // namespace

void ChainRecorder::on_block_imported(NodeId node, const SignedBlock& block, const Hash256& hash) {
  auto& info = blocks_[hash];
  if (info.importers.empty()) {
    info.block = block;
    for (const LedgerTx& tx : block.block.payload.transactions) {
      tx_blocks_[ledger_tx_hash(tx)].push_back(hash);
    }
  }
  info.importers.insert(node);
  info.proposers.insert(first_signer(block));
  if (timeline_ != nullptr && info.importers.size() == 1) {
    const ConsensusBlock& b = block.block;
    for (const PegInRef& ref : b.pegins) peg_state(pegins_, "pegin", ref.txid, "minted", world_.now());
    for (const LedgerTx& tx : b.payload.transactions) {
      if (tx.kind == LedgerTxKind::kPegOut) peg_state(pegouts_, "pegout", ledger_tx_hash(tx), "burned", world_.now());
    }
    if (b.pegout_proposal) {
      for (const Hash256& id : b.pegout_proposal->request_ids) peg_state(pegouts_, "pegout", id, "proposed", world_.now());
    }
  }
}

void ChainRecorder::peg_state(std::map<Hash256, RunTimeline::PegOp>& ops, const char* kind,
                              const Hash256& id, const char* state, Instant at) {
  RunTimeline::PegOp& op = ops[id];
  if (op.kind.empty()) {
    op.kind = kind;
    op.id = short_hex(id);
  }
  // The first time each state was reached: a block imported again, or a burn proposed
  // again after a reorg, does not move the operation back.
  for (const auto& [name, when] : op.states) {
    if (name == state) return;
  }
  op.states.emplace_back(state, to_ns(at));
}

void ChainRecorder::finish_timeline(const std::vector<Deposit>& deposits,
                                    const std::vector<PegOutSent>& sent) {
  if (timeline_ == nullptr) return;
  for (const Deposit& d : deposits) peg_state(pegins_, "pegin", d.txid, "deposited", d.at);
  for (const PegOutSent& p : sent) peg_state(pegouts_, "pegout", p.hash, "requested", p.sent_at);
  std::vector<RunTimeline::PegOp> ops;
  for (auto* source : {&pegins_, &pegouts_}) {
    for (auto& [id, op] : *source) {
      std::stable_sort(op.states.begin(), op.states.end(),
                       [](const auto& a, const auto& b) { return a.second < b.second; });
      ops.push_back(std::move(op));
    }
    source->clear();
  }
  std::stable_sort(ops.begin(), ops.end(), [](const RunTimeline::PegOp& a, const RunTimeline::PegOp& b) {
    return a.states.front().second < b.states.front().second;
  });
  for (auto& op : ops) {
    if (timeline_->peg_ops.size() >= RunTimeline::kMaxPegOps) {
      ++timeline_->dropped;
      continue;
    }
    timeline_->peg_ops.push_back(std::move(op));
  }
}

void ChainRecorder::on_head(NodeId node, const Hash256& hash, std::uint64_t height) {
  if (timeline_ != nullptr && height != heads_[node].height) {
    timeline_->add_height(to_ns(world_.now()), node, height, false);
  }
  heads_[node] = {hash, height};
  if (highest_growth_.empty() || height > highest_growth_.back().second) {
    highest_growth_.emplace_back(world_.now(), height);
  }
}

void ChainRecorder::on_finalized(NodeId node, const Hash256& hash, std::uint64_t height) {
  if (timeline_ != nullptr && height != finalized_[node].height) {
    timeline_->add_height(to_ns(world_.now()), node, height, true);
  }
  finalized_[node] = {hash, height};
  // Every ancestor of a finalized block is final.
  for (Hash256 h = hash; final_blocks_.insert(h).second;) {
    auto it = blocks_.find(h);
    if (it == blocks_.end()) break;
    const ConsensusBlock& b = it->second.block.block;
    for (const PegInRef& ref : b.pegins) final_minted_[ref.to] += ref.amount_sat;
    for (const LedgerTx& tx : b.payload.transactions) {
      if (tx.kind == LedgerTxKind::kPegOut) burn_final_at_.emplace(ledger_tx_hash(tx), world_.now());
    }
    if (timeline_ != nullptr) {
      for (const PegInRef& ref : b.pegins) peg_state(pegins_, "pegin", ref.txid, "final", world_.now());
      for (const LedgerTx& tx : b.payload.transactions) {
        if (tx.kind == LedgerTxKind::kPegOut) peg_state(pegouts_, "pegout", ledger_tx_hash(tx), "final", world_.now());
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

void ChainRecorder::on_signed(NodeId node, std::uint32_t authority, std::uint64_t slot,
                              const Hash256& hash, bool) {
  auto [it, inserted] = signed_.emplace(std::make_pair(authority, slot), hash);
  if (!inserted && it->second != hash) {
    double_signs_.push_back(
        {node, world_.now(),
         fmt::format("authority {} (n{}) signed {} and {} for slot {} at {}", authority, node,
                     short_hex(it->second), short_hex(hash), slot,
                     format_duration(world_.now() - Instant{}))});
  }
}

void ChainRecorder::on_pegout_signed(NodeId node, std::uint32_t member, const Hash256& payment,
                                     const std::vector<OutPoint>& coins) {
  signings_.push_back(PegOutCheckInput::Signing{node, member, payment, coins});
  if (pegout_signed_hook) pegout_signed_hook(node, member, payment);
}

void ChainRecorder::on_block_rejected(NodeId node, const SignedBlock& block, const Hash256& hash,
                                      const Status& why) {
  // Only context-free invalidity contradicts another node's import (see the observer).
  if (why.code() != StatusCode::kInvalidArgument) return;
  rejections_.push_back({node, hash, first_signer(block), why.message(), world_.now()});
}

bool ChainRecorder::tx_final(const Hash256& tx) const {
  auto it = tx_blocks_.find(tx);
  if (it == tx_blocks_.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(),
                     [&](const Hash256& b) { return final_blocks_.count(b) != 0; });
}

std::int64_t ChainRecorder::final_minted(const EvmAddress& address) const {
  auto it = final_minted_.find(address);
  return it == final_minted_.end() ? 0 : it->second;
}

std::vector<const SignedBlock*> ChainRecorder::chain_to(const Hash256& head) const {
  std::vector<const SignedBlock*> out;
  for (Hash256 h = head;;) {
    auto it = blocks_.find(h);
    if (it == blocks_.end()) break;
    out.push_back(&it->second.block);
    h = it->second.block.block.parent_hash;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

ChainPoint ChainRecorder::highest_head() const {
  ChainPoint best;
  for (const ChainPoint& p : heads_) {
    if (p.height > best.height) best = p;
  }
  return best;
}

std::uint64_t ChainRecorder::highest_height_at(Instant at) const {
  auto it = std::upper_bound(highest_growth_.begin(), highest_growth_.end(), at,
                             [](Instant t, const auto& g) { return t < g.first; });
  return it == highest_growth_.begin() ? 0 : std::prev(it)->second;
}

}  // namespace alys::scenarios
