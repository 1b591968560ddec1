// `alys-node loadtest` against a real 3-node devnet (issue 10): the tool starts the devnet
// (three node processes, the devnet Bitcoin, the miner), funds its senders, sends signed
// transfers and reads for a few seconds at a low rate over JSON-RPC, and its JSON report
// must show that the run passed and that its figures are consistent:
//   - every acknowledged transfer was applied on every node (applied_everywhere ==
//     acknowledged, lost 0, no balance mismatch), so gossip and block production carried
//     each one to all three nodes;
//   - every request is accounted for: acknowledged + refused + errored = sent per method,
//     sent + unsent = scheduled = rate x duration;
//   - the percentiles are ordered (p50 <= p90 <= p99 <= max) for every method and for
//     inclusion, and every method was exercised;
//   - the devnet stopped cleanly (exit code 0 from the launcher: no node died).
// Figures (throughput, latency) are printed by the tool, never asserted: they belong in
// docs/operations/load.md. Waits are bounded: the whole run has a deadline.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "node/child_process.h"
#include "node/tests/process_test_util.h"

namespace alys::node {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::free_port_run;

constexpr int kNodes = 3;
constexpr int kRate = 30;
constexpr int kDurationS = 4;
// Devnet start, funding, the run, the drain and the stop, on a shared 2-core machine (and
// under ASan).
constexpr auto kRunDeadline = 240s;

void expect_ordered(const nlohmann::json& s, const std::string& what) {
  EXPECT_LE(s["p50"].get<std::int64_t>(), s["p90"].get<std::int64_t>()) << what;
  EXPECT_LE(s["p90"].get<std::int64_t>(), s["p99"].get<std::int64_t>()) << what;
  EXPECT_LE(s["p99"].get<std::int64_t>(), s["max"].get<std::int64_t>()) << what;
}

TEST(LoadTestProcess, ThreeNodeDevnetAppliesEveryAcknowledgedTransferEverywhere) {
  std::string pattern = (fs::temp_directory_path() / "alys-loadtest-test-XXXXXX").string();
  const fs::path root = ::mkdtemp(pattern.data());
  const std::uint16_t base = free_port_run(2 * kNodes + 1);
  const fs::path json = root / "report.json";
  auto run = ChildProcess::spawn(
      ALYS_NODE_BIN,
      {"loadtest", "--dir", (root / "devnet").string(), "--nodes", std::to_string(kNodes), "--base-port",
       std::to_string(base), "--rpc-base-port", std::to_string(base + kNodes), "--bitcoin-port",
       std::to_string(base + 2 * kNodes), "--slot-ms", "400", "--rate", std::to_string(kRate), "--duration",
       std::to_string(kDurationS) + "s", "--connections", "2", "--read-percent", "50", "--drain-timeout", "60s",
       "--json", json.string()},
      (root / "loadtest.log").string());
  ASSERT_TRUE(run.has_value()) << run.error().message();
  const auto code = run->wait_for(std::chrono::duration_cast<std::chrono::milliseconds>(kRunDeadline));
  ASSERT_TRUE(code.has_value()) << "the load test did not end; see " << root.string();
  const std::string log = test::read_file(root / "loadtest.log");
  std::cout << log;
  EXPECT_EQ(*code, 0) << "see " << root.string();

  std::ifstream in(json);
  ASSERT_TRUE(in.good()) << "no JSON report; see " << root.string();
  const nlohmann::json r = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(r.is_object()) << "the JSON report does not parse";

  EXPECT_EQ(r["passed"], true);
  EXPECT_EQ(r["lost"], 0);
  EXPECT_EQ(r["accounts"]["balance_mismatches"], 0);
  EXPECT_EQ(r["accounts"]["unreadable"], 0);
  EXPECT_TRUE(r["node_failures"].empty()) << r["node_failures"].dump();
  EXPECT_EQ(r["devnet_exit_code"], 0);

  // Every request accounted for.
  const auto& q = r["requests"];
  EXPECT_EQ(q["scheduled"].get<std::uint64_t>(), std::uint64_t{kRate} * kDurationS);
  EXPECT_EQ(q["sent"].get<std::uint64_t>() + q["unsent"].get<std::uint64_t>(), q["scheduled"].get<std::uint64_t>());
  std::uint64_t sent = 0;
  for (const auto& [method, m] : r["methods"].items()) {
    SCOPED_TRACE(method);
    EXPECT_GT(m["sent"].get<std::uint64_t>(), 0u) << "never exercised";
    EXPECT_EQ(m["ok"].get<std::uint64_t>() + m["refused"].get<std::uint64_t>() + m["errors"].get<std::uint64_t>(),
              m["sent"].get<std::uint64_t>());
    EXPECT_EQ(m["latency_us"]["count"], m["sent"]);
    expect_ordered(m["latency_us"], method + " latency");
    expect_ordered(m["service_us"], method + " service");
    // Latency counts from the due time, so it is never below the service time.
    EXPECT_GE(m["latency_us"]["max"].get<std::int64_t>(), m["service_us"]["max"].get<std::int64_t>());
    sent += m["sent"].get<std::uint64_t>();
  }
  EXPECT_EQ(sent, q["sent"].get<std::uint64_t>());

  // Transfers: every acknowledged one applied everywhere.
  const auto& t = r["transfers"];
  EXPECT_EQ(t["acknowledged"].get<std::uint64_t>() + t["refused"].get<std::uint64_t>() +
                t["errored"].get<std::uint64_t>(),
            t["sent"].get<std::uint64_t>());
  EXPECT_GT(t["acknowledged"].get<std::uint64_t>(), std::uint64_t{kRate} * kDurationS / 4)
      << "most transfers should be acknowledged at this low rate";
  const auto& inc = r["inclusion"];
  EXPECT_EQ(inc["drained"], true);
  EXPECT_EQ(inc["applied_everywhere"], t["acknowledged"]);
  EXPECT_EQ(inc["latency_us"]["count"], t["acknowledged"]);
  expect_ordered(inc["latency_us"], "inclusion");
  for (const auto& h : r["chains"]["heights"]) EXPECT_GT(h.get<std::uint64_t>(), 0u);

  if (!HasFailure()) fs::remove_all(root);
}

}  // namespace
}  // namespace alys::node
