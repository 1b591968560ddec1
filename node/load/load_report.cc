#include "node/load/load_report.h"

#include <fmt/format.h>

namespace alys::node::load {

namespace {

// Printing only: nanoseconds as milliseconds with one decimal.
std::string ms(std::int64_t ns) { return fmt::format("{:.1f}", static_cast<double>(ns) / 1e6); }
std::string secs(std::int64_t ns) { return fmt::format("{:.1f}", static_cast<double>(ns) / 1e9); }

double per_second(std::uint64_t count, std::int64_t window_ns) {
  return window_ns > 0 ? static_cast<double>(count) * 1e9 / static_cast<double>(window_ns) : 0.0;
}

nlohmann::json summary_us(const LatencySummary& s) {
  return {{"count", s.count},
          {"p50", s.p50_ns / 1000},
          {"p90", s.p90_ns / 1000},
          {"p99", s.p99_ns / 1000},
          {"max", s.max_ns / 1000}};
}

double transfers_offered(const LoadReport& r) {
  return static_cast<double>(r.rate) * (100 - r.read_percent) / 100;
}

double rounded(double v) { return static_cast<double>(static_cast<std::int64_t>(v * 10 + 0.5)) / 10; }

}  // namespace

bool LoadReport::passed() const { return accounts.ok() && node_failures.empty(); }

std::string render_report(const LoadReport& r) {
  std::string out;
  out += fmt::format("alys-node loadtest: {} nodes{}, {} s at {} requests/s offered ({}% reads: {} transfers/s), "
                     "{} connections, {} senders\n",
                     r.nodes, r.slot_ms ? fmt::format(" (devnet, slot {} ms)", r.slot_ms) : std::string(),
                     secs(r.duration_ns), r.rate, r.read_percent, transfers_offered(r), r.connections, r.senders);
  out += fmt::format("requests: {} scheduled, {} sent, {} unsent; achieved {:.1f}/s over {} s; latest send {} ms "
                     "after its due time\n",
                     r.scheduled, r.sent, r.unsent, per_second(r.sent, r.window_ns), secs(r.window_ns),
                     ms(r.max_send_lag_ns));
  out += fmt::format("{:<24} {:>7} {:>7} {:>7} {:>5} {:>6} {:>8} {:>8} {:>8} {:>8}   (ms from due time; service p50/p99)\n",
                     "method", "sent", "ok", "refused", "429", "errors", "p50", "p90", "p99", "max");
  for (std::size_t k = 0; k < kRequestKinds; ++k) {
    const MethodReport& m = r.methods[k];
    out += fmt::format("{:<24} {:>7} {:>7} {:>7} {:>5} {:>6} {:>8} {:>8} {:>8} {:>8}   ({} / {})\n",
                       method_of(static_cast<RequestKind>(k)), m.sent, m.ok, m.refused, m.rate_limited, m.errors,
                       ms(m.latency.p50_ns), ms(m.latency.p90_ns), ms(m.latency.p99_ns), ms(m.latency.max_ns),
                       ms(m.service.p50_ns), ms(m.service.p99_ns));
    for (const std::string& e : m.error_samples) out += fmt::format("    e.g. {}\n", e);
  }
  const MethodReport& t = r.transfers();
  out += fmt::format("transfers: {} sent = {} acknowledged + {} refused + {} errored\n", t.sent, t.ok, t.refused,
                     t.errors);
  out += fmt::format("inclusion (acknowledged -> in a block on all {} nodes): {} of {}{}; p50 {} ms, p90 {} ms, "
                     "p99 {} ms, max {} ms; {:.1f} transfers/s applied over {} s\n",
                     r.nodes, r.applied_everywhere, t.ok,
                     r.drained ? "" : fmt::format(" (gave up {} s after sending ended)", secs(r.drain_ns)),
                     ms(r.inclusion.p50_ns), ms(r.inclusion.p90_ns), ms(r.inclusion.p99_ns), ms(r.inclusion.max_ns),
                     per_second(r.applied_everywhere, r.last_inclusion_ns), secs(r.last_inclusion_ns));
  std::string heights;
  for (std::size_t j = 0; j < r.heights.size(); ++j) {
    heights += fmt::format("{}n{} h{} (longest silence {} ms)", j ? ", " : "", j, r.heights[j],
                           ms(j < r.longest_silence_ns.size() ? r.longest_silence_ns[j] : 0));
  }
  out += fmt::format("chains: {}; {} blocks read, {} reorgs seen\n", heights, r.monitor.blocks_read, r.monitor.reorgs);
  out += fmt::format("accounts: {} senders on {} nodes: {} balance mismatches, {} unreadable\n", r.senders, r.nodes,
                     r.accounts.balance_mismatches, r.accounts.unreadable);
  for (const std::string& s : r.accounts.samples) out += fmt::format("    {}\n", s);
  out += fmt::format("lost: {}\n", r.accounts.lost);
  if (r.devnet_exit_code) out += fmt::format("devnet: stopped with exit code {}\n", *r.devnet_exit_code);
  for (const std::string& f : r.node_failures) out += fmt::format("node failure: {}\n", f);
  out += r.passed() ? "PASS\n" : "FAIL\n";
  return out;
}

nlohmann::json report_json(const LoadReport& r) {
  nlohmann::json methods = nlohmann::json::object();
  for (std::size_t k = 0; k < kRequestKinds; ++k) {
    const MethodReport& m = r.methods[k];
    methods[std::string(method_of(static_cast<RequestKind>(k)))] = {
        {"sent", m.sent},           {"ok", m.ok},
        {"refused", m.refused},     {"rate_limited", m.rate_limited},
        {"errors", m.errors},       {"latency_us", summary_us(m.latency)},
        {"service_us", summary_us(m.service)}, {"error_samples", m.error_samples}};
  }
  const MethodReport& t = r.transfers();
  return {
      {"config",
       {{"nodes", r.nodes},
        {"connections", r.connections},
        {"senders", r.senders},
        {"rate", r.rate},
        {"read_percent", r.read_percent},
        {"duration_ms", r.duration_ns / 1'000'000},
        {"slot_ms", r.slot_ms}}},
      {"requests",
       {{"scheduled", r.scheduled},
        {"sent", r.sent},
        {"unsent", r.unsent},
        {"offered_per_sec", r.rate},
        {"transfers_offered_per_sec", rounded(transfers_offered(r))},
        {"achieved_per_sec", rounded(per_second(r.sent, r.window_ns))},
        {"window_ms", r.window_ns / 1'000'000},
        {"max_send_lag_us", r.max_send_lag_ns / 1000}}},
      {"methods", methods},
      {"transfers", {{"sent", t.sent}, {"acknowledged", t.ok}, {"refused", t.refused}, {"errored", t.errors}}},
      {"inclusion",
       {{"applied_everywhere", r.applied_everywhere},
        {"latency_us", summary_us(r.inclusion)},
        {"applied_per_sec", rounded(per_second(r.applied_everywhere, r.last_inclusion_ns))},
        {"last_inclusion_ms", r.last_inclusion_ns / 1'000'000},
        {"drained", r.drained},
        {"drain_ms", r.drain_ns / 1'000'000}}},
      {"accounts",
       {{"lost", r.accounts.lost},
        {"balance_mismatches", r.accounts.balance_mismatches},
        {"unreadable", r.accounts.unreadable},
        {"samples", r.accounts.samples}}},
      {"lost", r.accounts.lost},
      {"chains",
       {{"heights", r.heights},
        {"longest_silence_ms", [&] {
           nlohmann::json a = nlohmann::json::array();
           for (std::int64_t s : r.longest_silence_ns) a.push_back(s / 1'000'000);
           return a;
         }()},
        {"blocks_read", r.monitor.blocks_read},
        {"reorgs", r.monitor.reorgs},
        {"untracked_txs", r.monitor.untracked_txs},
        {"failed_polls", r.monitor.failed_polls}}},
      {"node_failures", r.node_failures},
      {"devnet_exit_code", r.devnet_exit_code ? nlohmann::json(*r.devnet_exit_code) : nlohmann::json(nullptr)},
      {"passed", r.passed()}};
}

}  // namespace alys::node::load
