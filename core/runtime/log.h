// Log: the node's logger. Lines carry the node id and, in the simulator, virtual time.
// Logging never changes behaviour: a disabled level costs one comparison, no formatting.
// The level may be changed while other threads log (the node's hot reload): it is a relaxed
// atomic, so a line racing with the change is written under either level, never torn.
//
//   ALYS_LOG(env.log(), kInfo, "imported block {} at height {}", hash, height);
#pragma once

#include <fmt/format.h>

#include <atomic>
#include <string_view>

namespace alys {

enum class LogLevel : unsigned char { kTrace, kDebug, kInfo, kWarn, kError, kOff };

std::string_view log_level_name(LogLevel level);
// "trace", "debug", "info", "warn", "error", "off"; returns false on anything else.
bool parse_log_level(std::string_view text, LogLevel& out);

class Log {
 public:
  virtual ~Log() = default;
  bool enabled(LogLevel level) const { return level >= level_.load(std::memory_order_relaxed); }
  LogLevel level() const { return level_.load(std::memory_order_relaxed); }
  void set_level(LogLevel level) { level_.store(level, std::memory_order_relaxed); }
  // REQUIRES: enabled(level). Writes one line; the sink adds node id and time.
  virtual void write(LogLevel level, std::string_view message) = 0;

 private:
  std::atomic<LogLevel> level_{LogLevel::kInfo};
};

// Drops everything; for tests and benchmarks.
class NullLog final : public Log {
 public:
  NullLog() { set_level(LogLevel::kOff); }
  void write(LogLevel, std::string_view) override {}
};

}  // namespace alys

#define ALYS_LOG(log, lvl, ...)                                         \
  do {                                                                  \
    auto& alys_log_ref_ = (log);                                        \
    if (alys_log_ref_.enabled(::alys::LogLevel::lvl)) {                 \
      alys_log_ref_.write(::alys::LogLevel::lvl, fmt::format(__VA_ARGS__)); \
    }                                                                   \
  } while (false)
