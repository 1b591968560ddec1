// Run and sweep results as JSON: the machine-readable output of `alys-sim run --json` and
// `alys-sim sweep --json`, and the input of `alys-sim merge`. Writing then reading gives
// the same values back.
//
// Schema (stable; fields are only ever added; "schema" names the version):
//   run:   { "schema": "alys-sim/run/1", "scenario": str, "scenario_file": str,
//            "seed": u64, "plant": str, "verdict": "pass" | "fail" | "crashed",
//            "failures": [ { "checker": str, "at_ns": i64, "evidence": str } ],
//            "crash": str, "trace_hash": "0x%016x", "events": u64, "virtual_ns": i64,
//            "wall_us": i64, "faults": u64, "fault_kinds": [str], "buggify": bool,
//            "stats": { str: i64 }, "replay": str }
//   sweep: { "schema": "alys-sim/sweep/1", "command": str, "shard": str ("i/N" or ""),
//            "runs": [ run... ] }
// wall_us is the one measured (non-deterministic) field: for people, never for comparing
// runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/results/run_result.h"
#include "core/runtime/status.h"
#include "reports/evidence_budget.h"

namespace alys::reports {

struct SweepResults {
  std::string command;  // the command line that produced it
  std::string shard;    // "i/N" when it is one shard of a sweep
  std::vector<RunResult> runs;
};

// A report's results.json: 512 bytes of one failure's evidence, 1.5 KB of one run's.
inline constexpr EvidenceBudget kReportResultsEvidence{512, 1536};

std::string hex64(std::uint64_t value);  // "0x0123456789abcdef"
std::string_view verdict_name(RunVerdict v);

std::string run_to_json(const RunResult& run, int indent = 2);
Result<RunResult> run_from_json(std::string_view text);

// With `evidence`, each run's failure evidence is cut to that budget (reports/evidence_budget.h):
// the report folder's copy (kReportResultsEvidence), which a failing 1,000-run sweep must
// not blow up. Without, every byte (`alys-sim sweep --json`).
std::string sweep_to_json(const SweepResults& sweep, int indent = 1, const EvidenceBudget* evidence = nullptr);
// Errors name what is wrong ("runs[3].seed: expected an unsigned integer").
Result<SweepResults> sweep_from_json(std::string_view text);

}  // namespace alys::reports
