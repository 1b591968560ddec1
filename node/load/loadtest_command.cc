#include "node/load/loadtest_command.h"

#include <signal.h>
#include <time.h>

#include <fstream>
#include <iostream>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "node/devnet.h"
#include "node/load/inclusion_monitor.h"
#include "node/load/load_accounts.h"
#include "node/load/load_accounts_rpc.h"
#include "node/load/load_generator.h"
#include "node/load/load_nodes.h"
#include "node/load/load_report.h"
#include "runtime-real/os_random.h"

namespace alys::node::load {

namespace {

using Clock = std::chrono::steady_clock;

// How long the faucet's transfers to the senders may take to apply on every node.
constexpr std::chrono::seconds kFundingTimeout{120};
// Between the end of funding and request 0: the workers connect and sign ahead.
constexpr std::chrono::milliseconds kStartDelay{500};
constexpr std::chrono::milliseconds kWatchStep{100};

// SIGINT/SIGTERM, blocked in every thread (they inherit the mask) and taken here.
class StopSignals {
 public:
  StopSignals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
  }
  // Sticky: true once either signal arrived.
  bool seen() {
    timespec zero{0, 0};
    const int sig = sigtimedwait(&set_, nullptr, &zero);
    if (sig == SIGINT || sig == SIGTERM) seen_ = true;
    return seen_;
  }

 private:
  sigset_t set_;
  bool seen_ = false;
};

Hash256 run_salt() {
  real::OsRandom random;
  Hash256 salt;
  for (std::size_t i = 0; i < Hash256::kSize; i += 8) {
    const std::uint64_t r = random.next();
    for (std::size_t b = 0; b < 8; ++b) salt.data()[i + b] = static_cast<std::uint8_t>(r >> (8 * b));
  }
  return salt;
}

// Watches the nodes while something runs: a node silent for kNodeSilenceLimit, or a
// started devnet that exited, is a failure (each named once).
class NodeWatch {
 public:
  NodeWatch(LoadNodes& nodes, const InclusionMonitor& monitor, std::vector<std::string>& failures)
      : nodes_(nodes), monitor_(monitor), failures_(failures), reported_(nodes.endpoints().size(), false) {}
  // True while no node failed.
  bool check() {
    const std::vector<std::int64_t> silence = monitor_.longest_silence_ns();
    for (std::size_t j = 0; j < silence.size(); ++j) {
      if (reported_[j] || silence[j] < std::chrono::nanoseconds(kNodeSilenceLimit).count()) continue;
      reported_[j] = true;
      failures_.push_back(fmt::format("node {} ({}:{}) answered nothing for {} s", j, nodes_.endpoints()[j].host,
                                      nodes_.endpoints()[j].port, silence[j] / 1'000'000'000));
    }
    if (!devnet_reported_ && !nodes_.devnet_running()) {
      devnet_reported_ = true;
      failures_.push_back(fmt::format("the devnet process exited during the run (see {}/devnet.log)", nodes_.dir()));
    }
    return failures_.empty();
  }

 private:
  LoadNodes& nodes_;
  const InclusionMonitor& monitor_;
  std::vector<std::string>& failures_;
  std::vector<bool> reported_;
  bool devnet_reported_ = false;
};

MethodReport method_report(const MethodStats& m) {
  MethodReport r;
  r.sent = m.sent();
  r.ok = m.ok;
  r.refused = m.refused;
  r.rate_limited = m.rate_limited;
  r.errors = m.errors;
  r.latency = m.latency.summary();
  r.service = m.service.summary();
  r.error_samples = m.error_samples;
  return r;
}

// The part after setup: run, drain, check. Fills `report`.
void run_load(const LoadOptions& o, LoadNodes& nodes, const std::vector<LoadAccount>& accounts, StopSignals& stop,
              LoadReport& report) {
  const Clock::time_point epoch = Clock::now() + kStartDelay;
  InclusionMonitor monitor(nodes.endpoints(), o.poll, epoch);
  if (Status s = monitor.start(); !s.is_ok()) {
    report.node_failures.push_back(s.message());
    return;
  }
  NodeWatch watch(nodes, monitor, report.node_failures);

  GeneratorOptions go;
  go.nodes = nodes.endpoints();
  go.connections_per_node = o.connections_per_node;
  go.rate = o.rate;
  go.duration_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(o.duration).count();
  go.read_percent = o.read_percent;
  go.send_grace = o.send_grace;
  LoadGenerator generator(go, accounts);
  generator.start(epoch);
  while (!generator.done()) {
    if (stop.seen()) generator.abort();
    watch.check();
    std::this_thread::sleep_for(kWatchStep);
  }
  GeneratorResult sent = generator.finish();
  const Clock::time_point send_end = Clock::now();

  // Drain: every acknowledged transfer in a block on every node, or give up.
  const Clock::time_point drain_deadline = send_end + o.drain_timeout;
  std::vector<std::optional<std::int64_t>> included(sent.acked.size());
  std::size_t pending = sent.acked.size();
  for (;;) {
    for (std::size_t k = 0; k < sent.acked.size(); ++k) {
      if (included[k]) continue;
      if (auto at = monitor.included_everywhere(sent.acked[k].hash)) {
        included[k] = *at;
        --pending;
      }
    }
    if (pending == 0 || !watch.check() || stop.seen() || Clock::now() >= drain_deadline) break;
    std::this_thread::sleep_for(kWatchStep);
  }
  report.drained = pending == 0;
  report.drain_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - send_end).count();
  monitor.stop();

  LatencyRecorder inclusion;
  for (std::size_t k = 0; k < sent.acked.size(); ++k) {
    if (!included[k]) continue;
    ++report.applied_everywhere;
    // Seen in a block by a poll that started before the acknowledgement came back: 0.
    inclusion.record(std::max<std::int64_t>(0, *included[k] - sent.acked[k].acked_ns));
    report.last_inclusion_ns = std::max(report.last_inclusion_ns, *included[k]);
  }
  report.inclusion = inclusion.summary();

  std::vector<std::vector<std::uint64_t>> acked_nonces(accounts.size());
  for (const AckedTransfer& a : sent.acked) acked_nonces[a.sender].push_back(a.nonce);
  report.accounts = check_accounts(nodes.endpoints(), accounts, acked_nonces);

  report.scheduled = sent.scheduled;
  report.sent = sent.sent;
  report.unsent = sent.unsent;
  report.window_ns = std::max(go.duration_ns, sent.last_answer_ns);
  report.max_send_lag_ns = sent.max_send_lag_ns;
  for (std::size_t k = 0; k < kRequestKinds; ++k) report.methods[k] = method_report(sent.methods[k]);
  report.monitor = monitor.stats();
  report.heights = monitor.heights();
  report.longest_silence_ns = monitor.longest_silence_ns();
}

}  // namespace

int loadtest_command(const LoadOptions& o) {
  if (Status s = check_load_options(o); !s.is_ok()) {
    std::cerr << "alys-node loadtest: " << s.message() << "\n";
    return 2;
  }
  StopSignals stop;  // before any thread or child starts
  auto nodes = LoadNodes::open(o);
  if (!nodes) {
    std::cerr << "alys-node loadtest: " << nodes.error().message() << "\n";
    return nodes.error().code() == StatusCode::kInvalidArgument ? 2 : 1;
  }
  LoadNodes& n = **nodes;
  if (n.started_devnet()) {
    std::cout << fmt::format("alys-node loadtest: starting a {}-node devnet in {} (log: devnet.log)", o.nodes, n.dir())
              << std::endl;
  }
  auto fail_setup = [&](const Status& s) {
    std::cerr << "alys-node loadtest: " << s.message() << "\n";
    if (n.started_devnet()) {
      std::cerr << fmt::format("alys-node loadtest: the devnet stopped with {}; its files are in {}\n",
                               n.stop_devnet().value_or(-1), n.dir());
    }
    return 1;
  };
  if (Status s = n.wait_ready(Clock::now() + kDevnetReadyTimeout); !s.is_ok()) return fail_setup(s);
  if (stop.seen()) return fail_setup(Status::unavailable("interrupted before the run started"));

  const Hash256 salt = run_salt();
  const std::vector<LoadAccount> accounts = make_load_accounts(sender_count(o), salt);
  std::cout << fmt::format("alys-node loadtest: funding {} senders from the devnet faucet (salt {})",
                           accounts.size(), salt.to_hex())
            << std::endl;
  if (Status s = fund_load_accounts(n.endpoints(), accounts, devnet_faucet_key(), Clock::now() + kFundingTimeout);
      !s.is_ok()) {
    return fail_setup(s);
  }
  std::cout << fmt::format("alys-node loadtest: {} requests/s for {} ms over {} connections", o.rate,
                           o.duration.count(), o.connections_per_node * n.endpoints().size())
            << std::endl;

  LoadReport report;
  report.nodes = n.endpoints().size();
  report.connections = o.connections_per_node * report.nodes;
  report.senders = accounts.size();
  report.rate = o.rate;
  report.read_percent = o.read_percent;
  report.duration_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(o.duration).count();
  report.slot_ms = n.started_devnet() ? o.slot_ms : 0;
  run_load(o, n, accounts, stop, report);
  if (n.started_devnet()) {
    report.devnet_exit_code = n.stop_devnet();
    if (report.devnet_exit_code != 0) {
      report.node_failures.push_back(fmt::format(
          "the devnet stopped with exit code {}: a node died or did not stop cleanly (see {})",
          report.devnet_exit_code.value_or(-1), n.dir()));
    }
  }
  std::cout << render_report(report) << std::flush;
  if (!o.json_path.empty()) {
    std::ofstream out(o.json_path);
    out << report_json(report).dump(2) << "\n";
    if (!out) {
      std::cerr << "alys-node loadtest: --json: cannot write " << o.json_path << "\n";
      return 1;
    }
  }
  if (!report.passed()) {
    if (n.started_devnet()) std::cerr << "alys-node loadtest: the devnet's files are kept in " << n.dir() << "\n";
    return 1;
  }
  if (!o.keep_dir) n.remove_temporary_dir();
  return 0;
}

}  // namespace alys::node::load
