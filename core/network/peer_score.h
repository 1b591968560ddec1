// PeerScore: how much a node trusts one peer, as an integer that only penalties lower and
// only time raises back toward zero (no floating point: DESIGN.md §5).
//
//   0                a peer we have nothing against (every peer starts here);
//   penalize(p)      subtracts p > 0 (saturating at kFloor, so repeated floods cannot wrap);
//   decay(step)      moves the score up by `step` but never above 0: the network actor
//                    calls it once per decay interval, so a penalty of P points is forgotten
//                    after ceil(P / step) intervals;
//   banned(t)        true when the score is at or below the ban threshold t (t < 0).
// The penalty sizes live in Penalties below, so a reader sees in one place how many bad
// frames it takes to be banned (with the defaults: 4 undecodable frames, or one bad
// handshake).
#pragma once

#include <cstdint>

namespace alys::net {

struct Penalties {
  int bad_frame = 25;        // a frame that does not decode
  int rate_limited = 1;      // a frame over the per-peer rate (light: bursts happen)
  int before_ready = 10;     // anything but Hello/Goodbye before the handshake finished
  int hello_timeout = 20;    // no Hello within hello_timeout of the connection coming up
  int bad_handshake = 1000;  // wrong chain, wrong genesis, bad signature: bans at once
};

class PeerScore {
 public:
  static constexpr int kFloor = -1'000'000;

  int value() const { return value_; }
  // REQUIRES: points > 0.
  void penalize(int points);
  // REQUIRES: step >= 0.
  void decay(int step);
  void reset() { value_ = 0; }
  // REQUIRES: threshold < 0.
  bool banned(int threshold) const;

 private:
  int value_ = 0;
};

}  // namespace alys::net
