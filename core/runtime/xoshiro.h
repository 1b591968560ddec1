// Portable seeded PRNG: xoshiro256** (Blackman & Vigna, 2018), seeded through SplitMix64.
//
// Chosen because its output is fully specified by the algorithm, so a seed replays the same
// on every compiler, standard library and CPU. Streams: `Xoshiro256ss::stream(seed, id)`
// derives an independent generator per (world seed, purpose/node) pair, so adding draws to
// one node never shifts another node's sequence.
#pragma once

#include <cstdint>

namespace alys {

// SplitMix64 step: also a good 64-bit mixer for deriving seeds.
constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

constexpr std::uint64_t mix64(std::uint64_t a, std::uint64_t b) {
  std::uint64_t s = a ^ (b * 0xD6E8FEB86659FD93ull);
  return splitmix64(s);
}

class Xoshiro256ss {
 public:
  explicit constexpr Xoshiro256ss(std::uint64_t seed) {
    std::uint64_t sm = seed;
    for (auto& word : s_) word = splitmix64(sm);
  }

  // An independent stream for `stream_id` under `seed`.
  static constexpr Xoshiro256ss stream(std::uint64_t seed, std::uint64_t stream_id) {
    return Xoshiro256ss(mix64(seed, stream_id + 1));
  }

  constexpr std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
  }
  std::uint64_t s_[4]{};
};

}  // namespace alys
