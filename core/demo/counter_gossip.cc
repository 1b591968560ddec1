#include "core/demo/counter_gossip.h"

namespace alys::demo {

Bytes encode_counter(std::uint64_t value) {
  Bytes out(CounterGossip::kFrameBytes);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(value >> (8 * i));
  return out;
}

bool decode_counter(ByteView frame, std::uint64_t& out) {
  if (frame.size() != CounterGossip::kFrameBytes) return false;
  out = 0;
  for (std::size_t i = 0; i < frame.size(); ++i) out |= std::uint64_t{frame[i]} << (8 * i);
  return true;
}

CounterGossip::CounterGossip(Env& env, CounterGossipConfig config)
    : env_(env), config_(std::move(config)) {}

CounterGossip::~CounterGossip() { env_.transport().set_handler(nullptr); }

void CounterGossip::start() {
  auto stored = env_.storage().get(kKey);
  if (stored) {
    if (!decode_counter(*stored, value_)) {
      ++storage_errors_;
      ALYS_LOG(env_.log(), kWarn, "stored counter has {} bytes; starting from 0", stored->size());
      value_ = 0;
    }
  } else if (stored.error().code() != StatusCode::kNotFound) {
    ++storage_errors_;
    ALYS_LOG(env_.log(), kWarn, "cannot read counter: {}", stored.error().to_string());
  }
  recovered_ = value_;
  ALYS_LOG(env_.log(), kInfo, "started with counter {}", value_);
  env_.transport().set_handler(this);
  for (NodeId peer : config_.peers) {
    if (peer != env_.id()) env_.transport().connect(peer);
  }
  schedule_tick();
}

void CounterGossip::schedule_tick() {
  const Duration delay = uniform_duration(env_.random(), config_.tick_min, config_.tick_max);
  tick_timer_ = env_.executor().after(delay, [this] { tick(); });
}

void CounterGossip::tick() {
  if (chance_ppm(env_.random(), config_.bump_ppm)) ++value_;
  persist(chance_ppm(env_.random(), config_.sync_ppm));
  for (NodeId peer : gossip_targets()) send_value(peer);
  schedule_tick();
}

std::vector<NodeId> CounterGossip::gossip_targets() {
  std::vector<NodeId> targets;
  for (NodeId peer : config_.peers) {
    if (peer != env_.id()) targets.push_back(peer);
  }
  return targets;
}

Status CounterGossip::write_counter(bool sync) {
  WriteBatch batch;
  batch.put(as_bytes(kKey), encode_counter(value_));
  return env_.storage().write(batch, WriteOptions{sync});
}

void CounterGossip::persist(bool sync) {
  const Status s = write_counter(sync);
  if (!s.is_ok()) {
    ++storage_errors_;
    ALYS_LOG(env_.log(), kWarn, "write failed: {}", s.to_string());
    return;
  }
  if (sync && value_ > synced_) synced_ = value_;
}

void CounterGossip::send_value(NodeId peer) {
  if (!env_.transport().is_connected(peer)) return;
  env_.transport().send(peer, encode_counter(value_));
}

void CounterGossip::on_peer_up(NodeId peer) {
  ALYS_LOG(env_.log(), kDebug, "peer n{} up", peer);
  // Posted rather than sent inline, so the greeting goes through the executor like any work.
  env_.executor().post([this, peer] { send_value(peer); });
}

void CounterGossip::on_peer_down(NodeId peer) { ALYS_LOG(env_.log(), kDebug, "peer n{} down", peer); }

void CounterGossip::on_frame(NodeId peer, ByteView frame) {
  std::uint64_t v = 0;
  if (!decode_counter(frame, v)) {
    ++bad_frames_;
    ALYS_LOG(env_.log(), kWarn, "bad frame of {} bytes from n{}", frame.size(), peer);
    return;
  }
  ++frames_received_;
  if (v > value_) {
    value_ = v;
    persist(false);
  }
}

}  // namespace alys::demo
