// The two-way peg's checkers. Their judgments share one pass over Bitcoin and the final
// chain (check_pegins in pegin_workload.h, check_pegouts in pegout_workload.h), done once
// per run into the evidence; each checker here owns one name and reports its findings.
#include "scenarios/checkers/checker.h"

namespace alys::scenarios {
namespace {

enum class Side { kPegIn, kPegOut };

class PegChecker final : public Checker {
 public:
  PegChecker(Side side, std::string_view name, bool safety, std::string_view guarantees)
      : side_(side), name_(name), safety_(safety), guarantees_(guarantees) {}
  std::string_view name() const override { return name_; }
  std::string_view guarantees() const override { return guarantees_; }
  bool safety() const override { return safety_; }
  void check(const ChainEvidence& e, std::vector<CheckFailure>& out) const override {
    const auto& found = side_ == Side::kPegIn ? e.pegin_failures : e.pegout_failures;
    for (const CheckFailure& f : found) {
      if (f.checker == name_) out.push_back(f);
    }
  }

 private:
  Side side_;
  std::string_view name_;
  bool safety_;
  std::string_view guarantees_;
};

}  // namespace

std::vector<std::unique_ptr<Checker>> peg_checkers() {
  std::vector<std::unique_ptr<Checker>> out;
  auto add = [&](Side side, std::string_view name, bool safety, std::string_view guarantees) {
    out.push_back(std::make_unique<PegChecker>(side, name, safety, guarantees));
  };
  add(Side::kPegIn, "pegins", false,
      "every settled deposit is minted exactly once, to its address, for its amount");
  add(Side::kPegIn, "no-double-mint", true, "no Bitcoin deposit is minted twice");
  add(Side::kPegIn, "pegin-backing", true,
      "every mint is a deposit Bitcoin still holds, or one the bridges flagged after a reorg");
  add(Side::kPegIn, "pegin-value", true,
      "the federation's Bitcoin equals its deposits less confirmed peg-out payments");
  add(Side::kPegOut, "pegouts", false,
      "every due burn is paid exactly once on Bitcoin by the payment naming it");
  add(Side::kPegOut, "pegout-authorized", true, "nothing but finalized payments spends federation coins");
  add(Side::kPegOut, "pegout-conservation", true,
      "at every finalized block: federation Bitcoin = sidechain supply + unpaid burns");
  add(Side::kPegOut, "pegout-signatures", true,
      "no federation member signed two payments spending one coin");
  return out;
}

}  // namespace alys::scenarios
