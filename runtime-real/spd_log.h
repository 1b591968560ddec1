// SpdLog: the production Log, writing through an spdlog logger with the node id in every
// line ("[2026-11-24 19:30:01.123] [n0] [info] message").
#pragma once

#include <memory>
#include <string>

#include "core/runtime/log.h"

namespace spdlog {
class logger;
}

namespace alys::real {

class SpdLog final : public Log {
 public:
  // Logs to stderr under the name "n<node>".
  explicit SpdLog(std::string name);
  void write(LogLevel level, std::string_view message) override;

 private:
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace alys::real
