// The /metrics families of the bounded structures (node/prometheus.h): mailbox capacity,
// mempool, chain queues, seen cache, network frame outcomes and bans, TCP connection events.
#include <gtest/gtest.h>

#include <string>

#include "node/prometheus.h"

namespace alys::node {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

TEST(PrometheusBounds, RendersTheSizesOfTheBoundedStructuresAndTheDropCounters) {
  MetricsSnapshot s;
  s.health.name = "network";
  s.health.state = actor::LifecycleState::kRunning;
  s.health.mailbox_depth = 3;
  s.health.mailbox_capacity = 1024;
  chain::ChainStats c;
  c.mempool_size = 4999;
  c.mempool_max = 5000;
  c.orphans = 2;
  c.orphan_bytes = 3000;
  c.orphans_evicted = 13;
  c.pending_approvals = 7;
  c.import_queue = 9;
  c.gossip_blocks_queued = 8;
  c.gossip_blocks_dropped = 11;
  s.chain_stats = c;
  net::NetworkStats n;
  n.seen_cache_size = 4096;
  n.seen_cache_max = 4096;
  n.seen_cache_high_water = 4096;
  n.seen_cache_evictions = 123;
  n.peer_records = 5;
  n.metrics.frames_in = 1000;
  n.metrics.bad_frames = 4;
  n.metrics.duplicates_dropped = 6;
  n.metrics.rate_limited = 100;
  n.metrics.bans = 2;
  s.network_stats = n;
  real::TcpTransportMetrics t;
  t.connections_refused = 3;
  t.slow_peers_closed = 1;
  t.oversized_frames = 2;
  s.transport = t;
  const std::string text = "\n" + render_prometheus(s);
  EXPECT_TRUE(has_line(text, "alys_actor_mailbox_capacity{actor=\"network\"} 1024"));
  EXPECT_TRUE(has_line(text, "alys_mempool_size 4999"));
  EXPECT_TRUE(has_line(text, "alys_mempool_max 5000"));
  EXPECT_TRUE(has_line(text, "alys_chain_orphans 2"));
  EXPECT_TRUE(has_line(text, "alys_chain_orphan_bytes 3000"));
  EXPECT_TRUE(has_line(text, "alys_chain_orphans_evicted_total 13"));
  EXPECT_TRUE(has_line(text, "alys_chain_pending_approvals 7"));
  EXPECT_TRUE(has_line(text, "alys_chain_import_queue{origin=\"all\"} 9"));
  EXPECT_TRUE(has_line(text, "alys_chain_import_queue{origin=\"gossip\"} 8"));
  EXPECT_TRUE(has_line(text, "alys_chain_gossip_blocks_dropped_total 11"));
  EXPECT_TRUE(has_line(text, "alys_seen_cache_size 4096"));
  EXPECT_TRUE(has_line(text, "alys_seen_cache_max 4096"));
  EXPECT_TRUE(has_line(text, "alys_seen_cache_high_water 4096"));
  EXPECT_TRUE(has_line(text, "alys_seen_cache_evictions_total 123"));
  EXPECT_TRUE(has_line(text, "alys_network_peer_records 5"));
  EXPECT_TRUE(has_line(text, "alys_network_frames_total{result=\"in\"} 1000"));
  EXPECT_TRUE(has_line(text, "alys_network_frames_total{result=\"bad\"} 4"));
  EXPECT_TRUE(has_line(text, "alys_network_frames_total{result=\"duplicate\"} 6"));
  EXPECT_TRUE(has_line(text, "alys_network_frames_total{result=\"rate_limited\"} 100"));
  EXPECT_TRUE(has_line(text, "alys_network_bans_total 2"));
  EXPECT_TRUE(has_line(text, "alys_tcp_connections_total{event=\"refused\"} 3"));
  EXPECT_TRUE(has_line(text, "alys_tcp_connections_total{event=\"slow_peer\"} 1"));
  EXPECT_TRUE(has_line(text, "alys_tcp_oversized_frames_total 2"));
  // Without the snapshots (an actor did not answer) the families are absent.
  const std::string bare = render_prometheus(MetricsSnapshot{});
  EXPECT_EQ(bare.find("alys_mempool_size"), std::string::npos);
  EXPECT_EQ(bare.find("alys_seen_cache_size"), std::string::npos);
  EXPECT_EQ(bare.find("alys_tcp_connections_total"), std::string::npos);
}

}  // namespace
}  // namespace alys::node
