// poll_until: waits for a condition that no callback announces (a counter, a log line, a
// port coming free) by checking it every `step` until it holds or `limit` of wall-clock time
// has passed. For the real runtime's tests: whether a test passes never depends on how long
// the wait took; the limit only bounds how long a failing test hangs.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace alys::real {

inline bool poll_until(const std::function<bool()>& pred, std::chrono::steady_clock::duration limit,
                       std::chrono::steady_clock::duration step = std::chrono::milliseconds(1)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(step);
  }
  return true;
}

}  // namespace alys::real
