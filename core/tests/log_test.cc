// core/runtime/log.h: level names, parsing, enabled(), and that ALYS_LOG below the level
// costs no formatting ("logging never changes behaviour").
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/runtime/log.h"

namespace alys {
namespace {

// Counts how often fmt formats it.
struct Expensive {
  int* formatted;
};

}  // namespace
}  // namespace alys

template <>
struct fmt::formatter<alys::Expensive> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  template <typename Ctx>
  auto format(const alys::Expensive& e, Ctx& ctx) const {
    ++*e.formatted;
    return fmt::format_to(ctx.out(), "expensive");
  }
};

namespace alys {
namespace {

class RecordingLog final : public Log {
 public:
  void write(LogLevel level, std::string_view message) override {
    lines.emplace_back(level, std::string(message));
  }
  std::vector<std::pair<LogLevel, std::string>> lines;
};

const LogLevel kAll[] = {LogLevel::kTrace, LogLevel::kDebug, LogLevel::kInfo,
                         LogLevel::kWarn,  LogLevel::kError, LogLevel::kOff};

TEST(LogLevel, NamesRoundTrip) {
  for (LogLevel level : kAll) {
    LogLevel parsed = LogLevel::kTrace;
    ASSERT_TRUE(parse_log_level(log_level_name(level), parsed)) << log_level_name(level);
    EXPECT_EQ(parsed, level);
  }
  EXPECT_EQ(log_level_name(LogLevel::kWarn), "warn");
}

TEST(LogLevel, ParseRejectsOtherTextAndLeavesOutputAlone) {
  for (const char* bad : {"", "INFO", "warning", "err", " info", "info "}) {
    LogLevel out = LogLevel::kError;
    EXPECT_FALSE(parse_log_level(bad, out)) << bad;
    EXPECT_EQ(out, LogLevel::kError);
  }
}

TEST(Log, DefaultLevelIsInfo) {
  RecordingLog log;
  EXPECT_EQ(log.level(), LogLevel::kInfo);
  EXPECT_FALSE(log.enabled(LogLevel::kDebug));
  EXPECT_TRUE(log.enabled(LogLevel::kInfo));
  EXPECT_TRUE(log.enabled(LogLevel::kError));
}

TEST(Log, EnabledIsAtOrAboveTheLevel) {
  RecordingLog log;
  for (LogLevel level : kAll) {
    log.set_level(level);
    for (LogLevel msg : kAll) {
      EXPECT_EQ(log.enabled(msg), msg >= level);
    }
  }
}

TEST(Log, MacroFormatsAndWritesWhenEnabled) {
  RecordingLog log;
  ALYS_LOG(log, kWarn, "block {} at height {}", "abc", 7);
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_EQ(log.lines[0].first, LogLevel::kWarn);
  EXPECT_EQ(log.lines[0].second, "block abc at height 7");
}

TEST(Log, DisabledLevelDoesNotFormat) {
  RecordingLog log;
  log.set_level(LogLevel::kError);
  int formatted = 0;
  ALYS_LOG(log, kInfo, "{}", Expensive{&formatted});
  EXPECT_EQ(formatted, 0);
  EXPECT_TRUE(log.lines.empty());
  ALYS_LOG(log, kError, "{}", Expensive{&formatted});
  EXPECT_EQ(formatted, 1);
  ASSERT_EQ(log.lines.size(), 1u);
  EXPECT_EQ(log.lines[0].second, "expensive");
}

TEST(Log, MacroEvaluatesTheLogExpressionOnce) {
  RecordingLog log;
  int evaluated = 0;
  auto get = [&]() -> Log& {
    ++evaluated;
    return log;
  };
  ALYS_LOG(get(), kInfo, "x");
  EXPECT_EQ(evaluated, 1);
  EXPECT_EQ(log.lines.size(), 1u);
}

TEST(Log, NullLogIsOffAndDropsEverything) {
  NullLog log;
  EXPECT_EQ(log.level(), LogLevel::kOff);
  int formatted = 0;
  ALYS_LOG(log, kError, "{}", Expensive{&formatted});
  EXPECT_EQ(formatted, 0);
}

}  // namespace
}  // namespace alys
