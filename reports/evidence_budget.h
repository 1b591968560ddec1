// EvidenceBudget: how many bytes of a run's failure evidence one report file shows.
//
// A checker writes its evidence, of any length (every node's head, a block's contents),
// and a bug can fail every run of a sweep; a report file that showed all of it grew with
// both (a 1,000-run sweep failing three checkers with 2 KB each wrote 8.7 MB). So each
// file gives each run a budget: a failure's evidence is shown whole if it fits both what
// one failure may take and what the run has left, else cut to that (truncate_text, ending
// in kEllipsis), and once the run's budget is spent a failure shows only kEvidenceCut.
// Checker names and times are never cut, and `alys-sim replay` prints every evidence whole.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace alys::reports {

struct EvidenceBudget {
  std::size_t per_failure = 0;  // bytes of one failure's evidence (before the ellipsis)
  std::size_t per_run = 0;      // bytes of all of one run's evidence together
};

// What a failure shows once its run's budget is spent.
inline constexpr std::string_view kEvidenceCut = "(cut: alys-sim replay prints it)";

// Hands out one run's budget to its failures' evidence, in order. Use one per run.
class EvidenceCutter {
 public:
  explicit EvidenceCutter(EvidenceBudget budget) : budget_(budget), left_(budget.per_run) {}
  // `evidence` as the file shows it.
  std::string next(std::string_view evidence);

 private:
  EvidenceBudget budget_;
  std::size_t left_;
};

}  // namespace alys::reports
