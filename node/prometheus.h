// The node's /metrics (Prometheus text exposition format 0.0.4) and /health bodies, from a
// snapshot the RPC server gathers (health tree and dead letters from the actor system;
// chain, sync, peers and bridge by asking their actors). Pure functions of the snapshot.
//
// Metrics (labels in braces; every actor of the supervision tree by its name):
//   alys_node_healthy                                     gauge  1 iff the tree is healthy
//   alys_actor_running{actor}                             gauge  1 iff Running
//   alys_actor_mailbox_depth{actor}                       gauge  queued, not yet handled, now
//   alys_actor_mailbox_max_depth{actor}                   gauge  largest depth seen
//   alys_actor_mailbox_capacity{actor}                    gauge  the bound in force
//   alys_actor_messages_enqueued_total{actor}             counter
//   alys_actor_messages_handled_total{actor}              counter
//   alys_actor_failures_total{actor}                      counter handler errors (crashes)
//   alys_actor_restarts_total{actor}                      counter
//   alys_actor_handling_seconds_total{actor}              counter time inside handlers
//   alys_actor_dropped_total{actor,reason}                counter dead letters it caused
//   alys_dead_letters_total                               counter every dead letter
//   alys_dead_letters_by_reason_total{reason}             counter
//   alys_chain_head_height, alys_chain_finalized_height   gauge
//   alys_chain_finality_lag_blocks                        gauge  head - finalized
//   alys_peers{state}                                     gauge  known peers by state
//   alys_sync_state{state}                                gauge  1 for the current state
//   alys_sync_target_height                               gauge
//   alys_sync_progress_ratio                              gauge  head / target (0..1)
//   alys_sync_blocks_imported_total                       counter
//   alys_peg_operations{kind,state}                       gauge  (with a bridge)
//   alys_bridge_bitcoin_next_height                       gauge  (with a bridge)
//   alys_mempool_size, alys_mempool_max                   gauge  transactions held / cap
//   alys_chain_orphans, alys_chain_pending_approvals      gauge
//   alys_chain_import_queue{origin="all|gossip"}          gauge  blocks waiting to import
//   alys_chain_gossip_blocks_dropped_total                counter import queue full
//   alys_seen_cache_size, alys_seen_cache_max             gauge  gossip ids held / cap
//   alys_seen_cache_high_water                            gauge  largest size reached
//   alys_seen_cache_evictions_total                       counter
//   alys_network_peer_records                             gauge  peer records (peer_table.h)
//   alys_network_frames_total{result}                     counter frames from peers: in,
//                                                                routed, duplicate, bad,
//                                                                rate_limited, ignored
//   alys_network_bans_total, alys_network_hello_failures_total   counter
//   alys_tcp_connections_total{event}                     counter accepted, established,
//                                                                refused (over the cap),
//                                                                bad_preamble, slow_peer
//                                                                (send queue over its cap)
//   alys_tcp_oversized_frames_total, alys_tcp_read_pauses_total  counter
//   alys_rpc_requests_total, alys_rpc_rate_limited_total  counter
//   alys_metrics_source_up{source}                        gauge  0 when an actor did not
//                                                                answer for this scrape
//                                                                (its metrics are absent)
// Label values are escaped as the format requires (\\, \", \n).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/actor/system.h"
#include "core/bridge/bridge_actor.h"
#include "core/network/network_actor.h"
#include "core/sync/sync_actor.h"
#include "runtime-real/tcp_transport.h"

namespace alys::node {

struct MetricsSnapshot {
  actor::HealthNode health;
  std::uint64_t dead_letters_total = 0;
  std::array<std::uint64_t, actor::kDeadLetterReasonCount> dead_letters{};
  std::optional<StatusMessage> chain;
  std::optional<sync::SyncProgress> sync;
  std::optional<std::vector<net::PeerView>> peers;
  std::optional<chain::ChainStats> chain_stats;
  std::optional<net::NetworkStats> network_stats;
  std::optional<real::TcpTransportMetrics> transport;
  bool has_bridge = false;
  std::optional<bridge::BridgeStatus> bridge;
  std::uint64_t rpc_requests = 0;
  std::uint64_t rpc_rate_limited = 0;
};

inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string render_prometheus(const MetricsSnapshot& snapshot);

// The supervision tree as JSON: {"healthy", "tree": {"name","supervisor","state","breaker",
// "health","healthy","mailbox_depth","max_depth","restarts","failures","children":[...]}}.
nlohmann::json health_json(const actor::HealthNode& root);

}  // namespace alys::node
