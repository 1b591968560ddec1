// The alys-sim command line's scenario subcommands (run, replay, sweep, merge, shrink,
// checkers, plants), registered on a CLI11 app. main.cc parses; each handler returns the
// exit code (0 pass, 1 a check failed, 2 bad input). Include only from .cc files (CLI11 is
// a heavy header).
#pragma once

#include <functional>
#include <ostream>
#include <vector>

#include <CLI/CLI.hpp>

namespace alys::harness {

struct Subcommand {
  CLI::App* command;
  std::function<int()> run;  // called iff `command` was parsed
};

// CLI11 validator for durations like "10m", "30s", "1h30m".
struct DurationValidator : CLI::Validator {
  DurationValidator();
};

void add_scenario_commands(CLI::App& app, std::vector<Subcommand>& out, std::ostream& stream);

}  // namespace alys::harness
