// Consensus safety: valid-blocks, proposer-per-slot, no-double-sign, finality.
#include <fmt/format.h>

#include <algorithm>

#include "scenarios/checkers/checker.h"

namespace alys::scenarios {

bool equivocation_fault_at(const chaos::Schedule& schedule, NodeId node, Instant at) {
  return std::any_of(schedule.begin(), schedule.end(), [&](const chaos::TimedFault& f) {
    const auto* e = std::get_if<chaos::Equivocate>(&f.fault);
    return e != nullptr && e->node == node && f.at <= at && at <= f.at + f.duration;
  });
}

namespace {

class ValidBlocks final : public Checker {
 public:
  std::string_view name() const override { return "valid-blocks"; }
  std::string_view guarantees() const override {
    return "no node rejected as invalid a block another node imported";
  }
  bool safety() const override { return true; }
  void check(const ChainEvidence& e, std::vector<CheckFailure>& out) const override {
    for (const auto& r : e.recorder.rejections()) {
      auto it = e.recorder.blocks().find(r.hash);
      // The same envelope, judged differently: another first signer is another envelope.
      if (it == e.recorder.blocks().end() || it->second.proposers.count(r.proposer) == 0) continue;
      std::string importers;
      for (NodeId n : it->second.importers) importers += fmt::format("{}n{}", importers.empty() ? "" : ", ", n);
      fail(e, out,
           fmt::format("n{} rejected block {} at {} that {} imported: {}", r.node, short_hex(r.hash),
                       format_duration(r.at - kTimeZero), importers, r.why));
      return;  // one is enough to replay it
    }
  }
};

class ProposerPerSlot final : public Checker {
 public:
  std::string_view name() const override { return "proposer-per-slot"; }
  std::string_view guarantees() const override {
    return "every imported block is signed first by authorities[slot mod n]";
  }
  bool safety() const override { return true; }
  void check(const ChainEvidence& e, std::vector<CheckFailure>& out) const override {
    const std::size_t n = e.options.authorities;
    for (const auto& [hash, info] : e.recorder.blocks()) {
      const auto& b = info.block.block;
      const auto owner = static_cast<std::uint32_t>(b.slot % n);
      for (std::uint32_t proposer : info.proposers) {
        if (proposer == owner) continue;
        fail(e, out,
             fmt::format("block {} h{} slot {} imported first-signed by {} instead of authority {} "
                         "(importers include n{})",
                         short_hex(hash), b.height, b.slot,
                         proposer == ChainRecorder::kNoProposer ? std::string("nobody")
                                                                : fmt::format("authority {}", proposer),
                         owner, *info.importers.begin()));
        return;
      }
    }
  }
};

class NoDoubleSign final : public Checker {
 public:
  std::string_view name() const override { return "no-double-sign"; }
  std::string_view guarantees() const override {
    return "no honest authority signed two different blocks for one slot";
  }
  bool safety() const override { return true; }
  void check(const ChainEvidence& e, std::vector<CheckFailure>& out) const override {
    for (const auto& d : e.recorder.double_signs()) {
      if (!equivocation_fault_at(e.schedule, d.node, d.at)) fail(e, out, d.evidence);
    }
  }
};

class Finality final : public Checker {
 public:
  std::string_view name() const override { return "finality"; }
  std::string_view guarantees() const override {
    return "no two nodes finalized different blocks at one height, and AuxPoW finality advanced";
  }
  bool safety() const override { return true; }
  void check(const ChainEvidence& e, std::vector<CheckFailure>& out) const override {
    for (const auto& c : e.recorder.finality_conflicts()) fail(e, out, c);
    std::uint64_t max_finalized = 0;
    for (const NodeSummary& n : e.nodes) max_finalized = std::max(max_finalized, n.finalized_height);
    if (e.options.duration >= 5min && max_finalized == 0) {
      fail(e, out, "no block was finalized by AuxPoW");
    }
  }
};

}  // namespace

std::vector<std::unique_ptr<Checker>> consensus_checkers() {
  std::vector<std::unique_ptr<Checker>> out;
  out.push_back(std::make_unique<ValidBlocks>());
  out.push_back(std::make_unique<ProposerPerSlot>());
  out.push_back(std::make_unique<NoDoubleSign>());
  out.push_back(std::make_unique<Finality>());
  return out;
}

}  // namespace alys::scenarios
