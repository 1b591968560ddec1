#include "reports/evidence_budget.h"

#include <algorithm>

#include "reports/report_text.h"

namespace alys::reports {

std::string EvidenceCutter::next(std::string_view evidence) {
  const std::size_t allowed = std::min(budget_.per_failure, left_);
  if (allowed == 0 && !evidence.empty()) return std::string(kEvidenceCut);
  std::string shown = truncate_text(evidence, allowed);
  // The ellipsis is the file's, not the checker's: only the checker's bytes count.
  left_ -= std::min(left_, std::min(evidence.size(), allowed));
  return shown;
}

}  // namespace alys::reports
