#include "node/prometheus.h"

#include <functional>

#include <fmt/format.h>

#include "core/bridge/peg_operation.h"
#include "node/rpc_json.h"

namespace alys::node {

namespace {

std::string escape_label(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// Writes one metric family: HELP and TYPE once, then its samples.
class Family {
 public:
  Family(std::string& out, std::string_view name, std::string_view type, std::string_view help)
      : out_(out), name_(name) {
    out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  // labels: "" or `key="value",...` already escaped.
  void sample(const std::string& labels, std::uint64_t value) {
    out_ += labels.empty() ? fmt::format("{} {}\n", name_, value)
                           : fmt::format("{}{{{}}} {}\n", name_, labels, value);
  }
  void sample_real(const std::string& labels, double value) {
    out_ += labels.empty() ? fmt::format("{} {}\n", name_, value)
                           : fmt::format("{}{{{}}} {}\n", name_, labels, value);
  }

 private:
  std::string& out_;
  std::string_view name_;
};

std::string label(std::string_view key, std::string_view value) {
  return fmt::format("{}=\"{}\"", key, escape_label(value));
}

// Every node of the tree, depth first from the root.
void walk(const actor::HealthNode& n, const std::function<void(const actor::HealthNode&)>& f) {
  f(n);
  for (const actor::HealthNode& c : n.children) walk(c, f);
}

void actor_family(std::string& out, const actor::HealthNode& root, std::string_view name,
                  std::string_view type, std::string_view help,
                  const std::function<std::uint64_t(const actor::HealthNode&)>& value) {
  Family f(out, name, type, help);
  walk(root, [&](const actor::HealthNode& n) { f.sample(label("actor", n.name), value(n)); });
}

void actors(std::string& out, const actor::HealthNode& root) {
  actor_family(out, root, "alys_actor_running", "gauge", "1 if the actor is Running.",
               [](const auto& n) { return n.state == actor::LifecycleState::kRunning ? 1u : 0u; });
  actor_family(out, root, "alys_actor_mailbox_depth", "gauge",
               "Messages queued for the actor and not yet handled.",
               [](const auto& n) { return std::uint64_t{n.mailbox_depth}; });
  actor_family(out, root, "alys_actor_mailbox_max_depth", "gauge",
               "Largest mailbox depth seen.", [](const auto& n) { return n.stats.max_depth; });
  actor_family(out, root, "alys_actor_mailbox_capacity", "gauge",
               "The actor's mailbox bound in force.",
               [](const auto& n) { return std::uint64_t{n.mailbox_capacity}; });
  actor_family(out, root, "alys_actor_messages_enqueued_total", "counter",
               "Messages that entered the mailbox.", [](const auto& n) { return n.stats.enqueued; });
  actor_family(out, root, "alys_actor_messages_handled_total", "counter",
               "Messages handled without error.", [](const auto& n) { return n.stats.handled; });
  actor_family(out, root, "alys_actor_failures_total", "counter",
               "Handler errors (crashes).", [](const auto& n) { return n.stats.failed; });
  actor_family(out, root, "alys_actor_restarts_total", "counter", "Restarts by the supervisor.",
               [](const auto& n) { return n.stats.restarts; });
  {
    Family f(out, "alys_actor_handling_seconds_total", "counter", "Time spent in handlers.");
    walk(root, [&](const actor::HealthNode& n) {
      f.sample_real(label("actor", n.name), static_cast<double>(n.stats.handling_ns_total) / 1e9);
    });
  }
  Family f(out, "alys_actor_dropped_total", "counter",
           "Dead letters caused at the actor, by reason.");
  walk(root, [&](const actor::HealthNode& n) {
    for (std::size_t r = 0; r < actor::kDeadLetterReasonCount; ++r) {
      const auto reason = actor::dead_letter_reason_name(static_cast<actor::DeadLetterReason>(r));
      f.sample(label("actor", n.name) + "," + label("reason", reason), n.stats.dropped[r]);
    }
  });
}

void dead_letters(std::string& out, const MetricsSnapshot& s) {
  Family(out, "alys_dead_letters_total", "counter", "Messages that will never be handled.")
      .sample("", s.dead_letters_total);
  Family f(out, "alys_dead_letters_by_reason_total", "counter", "Dead letters by reason.");
  for (std::size_t r = 0; r < actor::kDeadLetterReasonCount; ++r) {
    f.sample(label("reason", actor::dead_letter_reason_name(static_cast<actor::DeadLetterReason>(r))),
             s.dead_letters[r]);
  }
}

void chain(std::string& out, const StatusMessage& c) {
  Family(out, "alys_chain_head_height", "gauge", "Height of the head.").sample("", c.head_height);
  Family(out, "alys_chain_finalized_height", "gauge", "Height of the finalized block.")
      .sample("", c.finalized_height);
  Family(out, "alys_chain_finality_lag_blocks", "gauge", "Blocks above the finalized one.")
      .sample("", c.head_height >= c.finalized_height ? c.head_height - c.finalized_height : 0);
}

void peers(std::string& out, const std::vector<net::PeerView>& list) {
  constexpr net::PeerState kStates[] = {net::PeerState::kDisconnected, net::PeerState::kHandshaking,
                                        net::PeerState::kReady, net::PeerState::kClosing,
                                        net::PeerState::kBanned};
  Family f(out, "alys_peers", "gauge", "Known peers by state.");
  for (net::PeerState state : kStates) {
    std::uint64_t n = 0;
    for (const net::PeerView& p : list) n += p.state == state ? 1 : 0;
    f.sample(label("state", net::peer_state_name(state)), n);
  }
}

void sync_metrics(std::string& out, const sync::SyncProgress& p) {
  constexpr sync::SyncState kStates[] = {sync::SyncState::kIdle, sync::SyncState::kDiscovering,
                                         sync::SyncState::kSyncing, sync::SyncState::kSynced};
  Family f(out, "alys_sync_state", "gauge", "1 for the sync actor's current state.");
  for (sync::SyncState state : kStates) {
    f.sample(label("state", sync::sync_state_name(state)), p.state == state ? 1 : 0);
  }
  Family(out, "alys_sync_target_height", "gauge", "Best height peers report.")
      .sample("", p.target_height);
  Family(out, "alys_sync_progress_ratio", "gauge", "Head height over target height.")
      .sample_real("", sync_fraction(p));
  Family(out, "alys_sync_blocks_imported_total", "counter", "Blocks imported by sync.")
      .sample("", p.blocks_imported);
}

void pegs(std::string& out, const bridge::BridgeStatus& b) {
  Family f(out, "alys_peg_operations", "gauge", "Peg operations by kind and state.");
  auto kind = [&](bridge::PegKind k, const std::vector<std::size_t>& counts) {
    for (std::size_t i = 0; i < bridge::kPegStateCount; ++i) {
      const auto state = bridge::peg_state_name(static_cast<bridge::PegState>(i + 1));
      f.sample(label("kind", bridge::peg_kind_name(k)) + "," + label("state", state),
               i < counts.size() ? counts[i] : 0);
    }
  };
  kind(bridge::PegKind::kPegIn, b.pegins_by_state);
  kind(bridge::PegKind::kPegOut, b.pegouts_by_state);
  Family(out, "alys_bridge_bitcoin_next_height", "gauge", "Next Bitcoin height to scan.")
      .sample("", b.next_height);
}

void chain_stats(std::string& out, const chain::ChainStats& c) {
  Family(out, "alys_mempool_size", "gauge", "Transactions in the mempool.").sample("", c.mempool_size);
  Family(out, "alys_mempool_max", "gauge", "The mempool's cap.").sample("", c.mempool_max);
  Family(out, "alys_chain_orphans", "gauge", "Blocks waiting for their parent.").sample("", c.orphans);
  Family(out, "alys_chain_orphan_bytes", "gauge", "Wire bytes of the blocks waiting for their parent.")
      .sample("", c.orphan_bytes);
  Family(out, "alys_chain_orphans_evicted_total", "counter",
         "Orphan blocks dropped, oldest first, to make room for newer ones.")
      .sample("", c.orphans_evicted);
  Family(out, "alys_chain_pending_approvals", "gauge", "Approvals of blocks not yet known.")
      .sample("", c.pending_approvals);
  Family q(out, "alys_chain_import_queue", "gauge", "Blocks waiting for the import pipeline.");
  q.sample(label("origin", "all"), c.import_queue);
  q.sample(label("origin", "gossip"), c.gossip_blocks_queued);
  Family(out, "alys_chain_gossip_blocks_dropped_total", "counter",
         "Gossiped blocks refused with the import queue full.")
      .sample("", c.gossip_blocks_dropped);
}

void network_stats(std::string& out, const net::NetworkStats& n) {
  Family(out, "alys_seen_cache_size", "gauge", "Gossip ids in the seen cache.").sample("", n.seen_cache_size);
  Family(out, "alys_seen_cache_max", "gauge", "The seen cache's cap.").sample("", n.seen_cache_max);
  Family(out, "alys_seen_cache_high_water", "gauge", "Largest seen cache size reached.")
      .sample("", n.seen_cache_high_water);
  Family(out, "alys_seen_cache_evictions_total", "counter", "Ids evicted from the seen cache.")
      .sample("", n.seen_cache_evictions);
  Family(out, "alys_network_peer_records", "gauge", "Peers the network actor keeps a record of.")
      .sample("", n.peer_records);
  const net::NetworkMetrics& m = n.metrics;
  Family f(out, "alys_network_frames_total", "counter", "Frames from peers, by what became of them.");
  f.sample(label("result", "in"), m.frames_in);
  f.sample(label("result", "routed"), m.routed);
  f.sample(label("result", "duplicate"), m.duplicates_dropped);
  f.sample(label("result", "bad"), m.bad_frames);
  f.sample(label("result", "rate_limited"), m.rate_limited);
  f.sample(label("result", "ignored"), m.ignored_frames);
  Family(out, "alys_network_bans_total", "counter", "Peers banned.").sample("", m.bans);
  Family(out, "alys_network_hello_failures_total", "counter", "Hellos refused.")
      .sample("", m.hello_failures);
}

void transport(std::string& out, const real::TcpTransportMetrics& t) {
  Family f(out, "alys_tcp_connections_total", "counter", "TCP connections, by event.");
  f.sample(label("event", "accepted"), t.accepted);
  f.sample(label("event", "established"), t.established);
  f.sample(label("event", "refused"), t.connections_refused);
  f.sample(label("event", "bad_preamble"), t.bad_preambles);
  f.sample(label("event", "slow_peer"), t.slow_peers_closed);
  Family(out, "alys_tcp_oversized_frames_total", "counter",
         "Frames announced above the size cap (their connection dropped).")
      .sample("", t.oversized_frames);
  Family(out, "alys_tcp_read_pauses_total", "counter", "Times a connection stopped reading.")
      .sample("", t.read_pauses);
}

}  // namespace

std::string render_prometheus(const MetricsSnapshot& s) {
  std::string out;
  out.reserve(32 * 1024);
  Family(out, "alys_node_healthy", "gauge", "1 if every actor of the tree is healthy.")
      .sample("", s.health.healthy() ? 1 : 0);
  actors(out, s.health);
  dead_letters(out, s);
  if (s.chain) chain(out, *s.chain);
  if (s.peers) peers(out, *s.peers);
  if (s.sync) sync_metrics(out, *s.sync);
  if (s.bridge) pegs(out, *s.bridge);
  if (s.chain_stats) chain_stats(out, *s.chain_stats);
  if (s.network_stats) network_stats(out, *s.network_stats);
  if (s.transport) transport(out, *s.transport);
  Family(out, "alys_rpc_requests_total", "counter", "HTTP requests the RPC server took.")
      .sample("", s.rpc_requests);
  Family(out, "alys_rpc_rate_limited_total", "counter", "Requests refused by the rate limit.")
      .sample("", s.rpc_rate_limited);
  Family up(out, "alys_metrics_source_up", "gauge",
            "0 if that actor did not answer for this scrape (its metrics are absent).");
  up.sample(label("source", "chain"), s.chain ? 1 : 0);
  up.sample(label("source", "network"), s.peers ? 1 : 0);
  up.sample(label("source", "sync"), s.sync ? 1 : 0);
  if (s.has_bridge) up.sample(label("source", "bridge"), s.bridge ? 1 : 0);
  return out;
}

nlohmann::json health_json(const actor::HealthNode& root) {
  std::function<nlohmann::json(const actor::HealthNode&)> node = [&](const actor::HealthNode& n) {
    nlohmann::json children = nlohmann::json::array();
    for (const actor::HealthNode& c : n.children) children.push_back(node(c));
    return nlohmann::json{
        {"name", n.name},
        {"supervisor", n.supervisor},
        {"state", actor::lifecycle_state_name(n.state)},
        {"breaker", actor::breaker_state_name(n.breaker)},
        {"health", status_code_name(n.health)},
        {"healthy", n.healthy()},
        {"mailbox_depth", n.mailbox_depth},
        {"max_depth", n.stats.max_depth},
        {"restarts", n.stats.restarts},
        {"failures", n.stats.failed},
        {"children", std::move(children)},
    };
  };
  return nlohmann::json{{"healthy", root.healthy()}, {"tree", node(root)}};
}

}  // namespace alys::node
