#include "reports/results_json.h"

#include <cstdio>
#include <optional>

#include <nlohmann/json.hpp>

#include "reports/report_text.h"

namespace alys::reports {

namespace {

using nlohmann::json;

constexpr std::string_view kRunSchema = "alys-sim/run/1";
constexpr std::string_view kSweepSchema = "alys-sim/sweep/1";

json run_json(const RunResult& r, const EvidenceBudget* budget) {
  json failures = json::array();
  std::optional<EvidenceCutter> cut;
  if (budget) cut.emplace(*budget);
  for (const auto& f : r.failures) {
    failures.push_back(
        {{"checker", f.checker}, {"at_ns", f.at_ns}, {"evidence", cut ? cut->next(f.evidence) : f.evidence}});
  }
  return json{
      {"schema", kRunSchema},
      {"scenario", r.scenario},
      {"scenario_file", r.scenario_file},
      {"seed", r.seed},
      {"plant", r.plant},
      {"verdict", verdict_name(r.verdict)},
      {"failures", failures},
      {"crash", budget ? truncate_text(r.crash, budget->per_failure) : r.crash},
      {"trace_hash", hex64(r.trace_hash)},
      {"events", r.events},
      {"virtual_ns", r.virtual_ns},
      {"wall_us", r.wall_us},
      {"faults", r.faults},
      {"fault_kinds", r.fault_kinds},
      {"buggify", r.buggify},
      {"stats", r.stats},
      {"replay", r.replay},
  };
}

// Reads fields with errors naming the path; the first error wins.
class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}
  Status error() const { return error_; }

  template <class T>
  void get(const json& j, const char* key, T& out, const char* expected) {
    if (!error_.is_ok()) return;
    auto it = j.find(key);
    if (it == j.end()) return fail(key, "missing");
    try {
      out = it->get<T>();
    } catch (const json::exception&) {
      fail(key, std::string("expected ") + expected);
    }
  }
  void fail(std::string_view key, std::string_view why) {
    if (error_.is_ok()) error_ = Status::invalid_argument(path_ + std::string(key) + ": " + std::string(why));
  }

 private:
  std::string path_;
  Status error_;
};

Result<RunResult> run_from(const json& j, const std::string& path) {
  if (!j.is_object()) return Status::invalid_argument(path + ": expected an object");
  Reader r(path.empty() ? "" : path + ".");
  RunResult out;
  std::string schema, verdict, hash;
  r.get(j, "schema", schema, "a string");
  if (r.error().is_ok() && schema != kRunSchema) r.fail("schema", "'" + schema + "' is not " + std::string(kRunSchema));
  r.get(j, "scenario", out.scenario, "a string");
  r.get(j, "scenario_file", out.scenario_file, "a string");
  r.get(j, "seed", out.seed, "an unsigned integer");
  r.get(j, "plant", out.plant, "a string");
  r.get(j, "verdict", verdict, "a string");
  r.get(j, "crash", out.crash, "a string");
  r.get(j, "trace_hash", hash, "a string");
  r.get(j, "events", out.events, "an unsigned integer");
  r.get(j, "virtual_ns", out.virtual_ns, "an integer");
  r.get(j, "wall_us", out.wall_us, "an integer");
  r.get(j, "faults", out.faults, "an unsigned integer");
  r.get(j, "fault_kinds", out.fault_kinds, "an array of strings");
  r.get(j, "buggify", out.buggify, "a boolean");
  r.get(j, "stats", out.stats, "an object of integers");
  r.get(j, "replay", out.replay, "a string");
  json failures;
  r.get(j, "failures", failures, "an array");
  if (!r.error().is_ok()) return r.error();
  if (verdict == "pass") out.verdict = RunVerdict::kPass;
  else if (verdict == "fail") out.verdict = RunVerdict::kFail;
  else if (verdict == "crashed") out.verdict = RunVerdict::kCrashed;
  else return Status::invalid_argument(path + (path.empty() ? "" : ".") + "verdict: '" + verdict + "' is not pass, fail or crashed");
  if (hash.size() != 18 || hash.rfind("0x", 0) != 0) {
    return Status::invalid_argument(path + (path.empty() ? "" : ".") + "trace_hash: expected 0x and 16 hex digits");
  }
  out.trace_hash = std::strtoull(hash.c_str() + 2, nullptr, 16);
  if (!failures.is_array()) return Status::invalid_argument(path + ".failures: expected an array");
  for (std::size_t i = 0; i < failures.size(); ++i) {
    Reader f(path + (path.empty() ? "" : ".") + "failures[" + std::to_string(i) + "].");
    RunFailure rf;
    f.get(failures[i], "checker", rf.checker, "a string");
    f.get(failures[i], "at_ns", rf.at_ns, "an integer");
    f.get(failures[i], "evidence", rf.evidence, "a string");
    if (!f.error().is_ok()) return f.error();
    out.failures.push_back(std::move(rf));
  }
  return out;
}

Result<json> parse(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::invalid_argument("not valid JSON");
  return j;
}

}  // namespace

std::string hex64(std::uint64_t value) {
  char buf[19];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(value));
  return buf;
}

std::string_view verdict_name(RunVerdict v) {
  switch (v) {
    case RunVerdict::kPass: return "pass";
    case RunVerdict::kFail: return "fail";
    case RunVerdict::kCrashed: return "crashed";
  }
  return "?";
}

std::string run_to_json(const RunResult& run, int indent) { return run_json(run, nullptr).dump(indent); }

Result<RunResult> run_from_json(std::string_view text) {
  auto j = parse(text);
  if (!j) return j.error();
  return run_from(*j, "");
}

std::string sweep_to_json(const SweepResults& sweep, int indent, const EvidenceBudget* evidence) {
  json runs = json::array();
  for (const RunResult& r : sweep.runs) runs.push_back(run_json(r, evidence));
  json j{{"schema", kSweepSchema}, {"command", sweep.command}, {"shard", sweep.shard}, {"runs", runs}};
  return j.dump(indent);
}

Result<SweepResults> sweep_from_json(std::string_view text) {
  auto j = parse(text);
  if (!j) return j.error();
  if (!j->is_object()) return Status::invalid_argument("expected an object");
  Reader r("");
  SweepResults out;
  std::string schema;
  r.get(*j, "schema", schema, "a string");
  if (r.error().is_ok() && schema != kSweepSchema) r.fail("schema", "'" + schema + "' is not " + std::string(kSweepSchema));
  r.get(*j, "command", out.command, "a string");
  r.get(*j, "shard", out.shard, "a string");
  json runs;
  r.get(*j, "runs", runs, "an array");
  if (!r.error().is_ok()) return r.error();
  if (!runs.is_array()) return Status::invalid_argument("runs: expected an array");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    auto run = run_from(runs[i], "runs[" + std::to_string(i) + "]");
    if (!run) return run.error();
    out.runs.push_back(std::move(*run));
  }
  return out;
}

}  // namespace alys::reports
