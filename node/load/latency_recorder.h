// LatencyRecorder: every latency sample of one kind of request, kept whole, and its exact
// percentiles (nearest rank: the smallest sample with at least p% of the samples at or
// below it), so a p99 over 412 samples is one of those samples, not an interpolation.
//
// Bounded: at most kMaxLatencySamples samples (8 bytes each); beyond it a sample is counted
// in dropped() and left out of the percentiles. A 60 s run at 10,000 requests/s stays far
// below it.
// Threading: none (one recorder per load worker; merge() them after the workers joined).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace alys::node::load {

inline constexpr std::size_t kMaxLatencySamples = 16u << 20;

// Percentiles of one recorder, in nanoseconds; all 0 when it holds no sample.
struct LatencySummary {
  std::uint64_t count = 0;
  std::int64_t p50_ns = 0;
  std::int64_t p90_ns = 0;
  std::int64_t p99_ns = 0;
  std::int64_t max_ns = 0;
};

class LatencyRecorder {
 public:
  // REQUIRES: latency_ns >= 0.
  void record(std::int64_t latency_ns);
  void merge(const LatencyRecorder& other);

  std::size_t count() const { return samples_.size(); }
  std::uint64_t dropped() const { return dropped_; }
  // The nearest-rank percentile `per_mille` / 1000 (500 = p50, 990 = p99, 1000 = max).
  // REQUIRES: 1 <= per_mille <= 1000. 0 when empty. Sorts the samples on first use.
  std::int64_t percentile(unsigned per_mille) const;
  LatencySummary summary() const;

 private:
  void sort() const;

  mutable std::vector<std::int64_t> samples_;
  mutable bool sorted_ = true;
  std::uint64_t dropped_ = 0;
};

}  // namespace alys::node::load
