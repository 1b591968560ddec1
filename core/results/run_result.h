// RunResult: what one simulated run (a scenario and a seed) produced, as plain values: the
// result model every output shares (the harness's summaries, JSON results, JUnit XML and
// the reports of reports/). No behaviour here; reports/results_json.h gives the stable JSON
// schema.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace alys {

struct RunFailure {
  std::string checker;   // a name of scenarios::checker_catalog()
  std::int64_t at_ns = 0;  // virtual time of the violation
  std::string evidence;  // which nodes, which blocks, which values
};

enum class RunVerdict : std::uint8_t {
  kPass,     // every checker held
  kFail,     // a checker reported a violation
  kCrashed,  // the run itself died (assertion, signal): a bug in the code under test too
};

// A bug often trips one checker dozens of times in one run (every block minting one
// peg-in again): a result keeps the first kMaxFailuresPerChecker violations of each
// checker and then one more entry of that checker saying how many were left out, so sweep
// results stay small. `alys-sim replay` prints every one.
inline constexpr std::size_t kMaxFailuresPerChecker = 10;

struct RunResult {
  std::string scenario;       // its name
  std::string scenario_file;  // the file it came from ("" if none)
  std::uint64_t seed = 0;
  std::string plant;          // the planted bug switched on ("" for none)
  RunVerdict verdict = RunVerdict::kPass;
  std::vector<RunFailure> failures;
  std::string crash;          // with kCrashed: how it died (signal, exit code, last words)

  std::uint64_t trace_hash = 0;
  std::uint64_t events = 0;
  std::int64_t virtual_ns = 0;
  std::int64_t wall_us = 0;   // measured by the harness; never feeds back into a run

  std::size_t faults = 0;               // in the run's schedule
  std::vector<std::string> fault_kinds;  // the nemesis's kinds for this seed (swarm)
  bool buggify = false;

  // Scenario-specific figures ("blocks", "finalized", "txs_applied", "pegins_minted", ...).
  std::map<std::string, std::int64_t> stats;

  std::string replay;  // the one command that replays this run

  bool passed() const { return verdict == RunVerdict::kPass; }
};

}  // namespace alys
