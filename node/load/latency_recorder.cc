#include "node/load/latency_recorder.h"

#include <algorithm>

#include "core/runtime/assert.h"

namespace alys::node::load {

void LatencyRecorder::record(std::int64_t latency_ns) {
  ALYS_ASSERT(latency_ns >= 0, "latency below zero");
  if (samples_.size() >= kMaxLatencySamples) {
    ++dropped_;
    return;
  }
  samples_.push_back(latency_ns);
  sorted_ = false;
}

void LatencyRecorder::merge(const LatencyRecorder& other) {
  for (std::int64_t s : other.samples_) record(s);
  dropped_ += other.dropped_;
}

void LatencyRecorder::sort() const {
  if (sorted_) return;
  std::sort(samples_.begin(), samples_.end());
  sorted_ = true;
}

std::int64_t LatencyRecorder::percentile(unsigned per_mille) const {
  ALYS_ASSERT(per_mille >= 1 && per_mille <= 1000, "percentile out of 1..1000 per mille");
  if (samples_.empty()) return 0;
  sort();
  // Nearest rank: ceil(n * p / 1000), 1-based, in integers.
  const std::size_t n = samples_.size();
  const std::size_t rank = (n * per_mille + 999) / 1000;
  return samples_[std::max<std::size_t>(rank, 1) - 1];
}

LatencySummary LatencyRecorder::summary() const {
  LatencySummary s;
  s.count = samples_.size();
  s.p50_ns = percentile(500);
  s.p90_ns = percentile(900);
  s.p99_ns = percentile(990);
  s.max_ns = percentile(1000);
  return s;
}

}  // namespace alys::node::load
