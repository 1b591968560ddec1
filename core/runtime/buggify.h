// Buggify: named fault points inside actor code (FoundationDB's BUGGIFY).
//
//   if (env.buggify().fire("sync.drop_response")) return;  // pretend the response was lost
//
// fire(point) is always false in the real runtime. In the simulator each point is enabled
// or not for the whole run, decided from (world seed, point name) alone, so the decision
// does not depend on the order in which points are first reached; an enabled point then
// fires on a small seeded fraction of calls, drawn from a stream of its own. Points are
// names, not ids, and own their randomness, so a new point in the code never shifts when
// existing ones fire.
#pragma once

#include <string_view>

namespace alys {

class Buggify {
 public:
  virtual ~Buggify() = default;
  virtual bool fire(std::string_view point) = 0;
};

// The real runtime's: nothing ever fires.
class NoBuggify final : public Buggify {
 public:
  bool fire(std::string_view) override { return false; }
};

}  // namespace alys
