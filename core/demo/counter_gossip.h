// CounterGossip: the first protocol written only against Env, used to exercise every part
// of a runtime (timers, posts, connections, frames, storage, crash recovery).
//
// Each node keeps a counter. On every tick (a seeded delay in [tick_min, tick_max]) it
// may bump the counter, persists it (synced on a seeded share of ticks) and sends it to
// every connected peer. A node that receives a larger value adopts it (max-merge) and
// persists it unsynced. On start it recovers the counter from storage.
//
// Properties the demo scenario checks: after faults stop and the network heals, all nodes
// converge on one value; a node never restarts below the last value it wrote with sync
// (durability); a counter never decreases within one incarnation.
#pragma once

#include <cstdint>
#include <vector>

#include "core/runtime/program.h"

namespace alys::demo {

struct CounterGossipConfig {
  std::vector<NodeId> peers;
  Duration tick_min = 100ms;
  Duration tick_max = 1s;
  std::uint32_t bump_ppm = 500'000;  // chance a tick increments the counter
  std::uint32_t sync_ppm = 200'000;  // chance a tick's write is synced
};

class CounterGossip : public NodeProgram, private TransportHandler {
 public:
  static constexpr std::string_view kKey = "counter";
  static constexpr std::size_t kFrameBytes = 8;

  CounterGossip(Env& env, CounterGossipConfig config);
  ~CounterGossip() override;
  void start() override;

  // Harness hook: a quiescing scenario stops the counter from growing.
  void set_bump_ppm(std::uint32_t ppm) { config_.bump_ppm = ppm; }

  std::uint64_t value() const { return value_; }
  std::uint64_t recovered_value() const { return recovered_; }
  // Largest value whose write was synced and acknowledged in this incarnation.
  std::uint64_t synced_value() const { return synced_; }
  std::uint64_t frames_received() const { return frames_received_; }
  std::uint64_t bad_frames() const { return bad_frames_; }
  std::uint64_t storage_errors() const { return storage_errors_; }

 protected:
  // Which peers a tick sends to, in order. Overridable so tests can plant bugs.
  virtual std::vector<NodeId> gossip_targets();
  // Writes the counter; `sync` asks for durability. Overridable so tests can plant bugs.
  virtual Status write_counter(bool sync);
  Env& env() { return env_; }
  const CounterGossipConfig& config() const { return config_; }

 private:
  void on_peer_up(NodeId peer) override;
  void on_peer_down(NodeId peer) override;
  void on_frame(NodeId peer, ByteView frame) override;

  void schedule_tick();
  void tick();
  void persist(bool sync);
  void send_value(NodeId peer);

  Env& env_;
  CounterGossipConfig config_;
  std::uint64_t value_ = 0;
  std::uint64_t recovered_ = 0;
  std::uint64_t synced_ = 0;
  std::uint64_t frames_received_ = 0;
  std::uint64_t bad_frames_ = 0;
  std::uint64_t storage_errors_ = 0;
  TimerId tick_timer_;
};

// Little-endian u64 codec of the counter frame; decode fails on any other length.
Bytes encode_counter(std::uint64_t value);
bool decode_counter(ByteView frame, std::uint64_t& out);

}  // namespace alys::demo
