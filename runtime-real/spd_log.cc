#include "runtime-real/spd_log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace alys::real {

namespace {
spdlog::level::level_enum to_spdlog(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace: return spdlog::level::trace;
    case LogLevel::kDebug: return spdlog::level::debug;
    case LogLevel::kInfo: return spdlog::level::info;
    case LogLevel::kWarn: return spdlog::level::warn;
    case LogLevel::kError: return spdlog::level::err;
    case LogLevel::kOff: return spdlog::level::off;
  }
  return spdlog::level::info;
}
}  // namespace

SpdLog::SpdLog(std::string name)
    : logger_(std::make_shared<spdlog::logger>(
          std::move(name), std::make_shared<spdlog::sinks::stderr_color_sink_mt>())) {
  logger_->set_level(spdlog::level::trace);  // filtering happens in Log::enabled
}

void SpdLog::write(LogLevel level, std::string_view message) {
  logger_->log(to_spdlog(level), "{}", message);
}

}  // namespace alys::real
