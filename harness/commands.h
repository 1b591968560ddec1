// The alys-sim subcommands as functions: main.cc only parses flags into these structs.
// Each returns the process exit code: 0 pass, 1 a check failed, 2 bad input (DESIGN.md §7).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "core/runtime/log.h"
#include "core/runtime/time.h"
#include "harness/seed_range.h"

namespace alys::harness {

inline constexpr int kExitPass = 0;
inline constexpr int kExitCheckFailed = 1;
inline constexpr int kExitBadInput = 2;

struct DemoArgs {
  std::uint64_t seed = 1;
  std::size_t nodes = 5;
  Duration duration = 10min;
  Duration settle = 30s;
  bool chaos = true;
  LogLevel log_level = LogLevel::kOff;
  std::string json_path;  // write the RunSummary here when set
};

struct CheckDeterminismArgs {
  SeedRange seeds{1, 200};
  std::size_t nodes = 5;
  Duration duration = 10min;
  bool progress = true;
};

// The replay command for a demo run with these arguments.
std::string demo_replay_command(const DemoArgs& args);

int run_demo_command(const DemoArgs& args, std::ostream& out);
int run_check_determinism_command(const CheckDeterminismArgs& args, std::ostream& out);

}  // namespace alys::harness
