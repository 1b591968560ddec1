#include "core/network/peer_score.h"

#include "core/runtime/assert.h"

namespace alys::net {

void PeerScore::penalize(int points) {
  ALYS_ASSERT(points > 0, "PeerScore::penalize: points must be positive");
  // value_ >= kFloor and points > 0: compare before subtracting so it cannot overflow.
  value_ = value_ - kFloor <= points ? kFloor : value_ - points;
}

void PeerScore::decay(int step) {
  ALYS_ASSERT(step >= 0, "PeerScore::decay: step must be >= 0");
  value_ = -value_ <= step ? 0 : value_ + step;
}

bool PeerScore::banned(int threshold) const {
  ALYS_ASSERT(threshold < 0, "PeerScore::banned: threshold must be negative");
  return value_ <= threshold;
}

}  // namespace alys::net
