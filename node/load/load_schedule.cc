#include "node/load/load_schedule.h"

#include "core/runtime/assert.h"

namespace alys::node::load {

namespace {

// Products of a request index and 1e9 (or a duration and a rate) pass 64 bits.
__extension__ using u128 = unsigned __int128;

constexpr std::uint64_t kNsPerSec = 1'000'000'000;

// Transfers among requests 0..i-1: floor(i * transfer_percent / 100), so they are spread
// evenly rather than bunched.
std::uint64_t transfers_before(std::uint64_t i, std::uint32_t read_percent) {
  const auto t = static_cast<u128>(100 - read_percent);
  return static_cast<std::uint64_t>(static_cast<u128>(i) * t / 100);
}

}  // namespace

std::string_view method_of(RequestKind kind) {
  switch (kind) {
    case RequestKind::kTransfer: return "alys_sendRawTransaction";
    case RequestKind::kGetAccount: return "alys_getAccount";
    case RequestKind::kHead: return "alys_head";
  }
  return "?";
}

std::uint64_t scheduled_requests(std::uint32_t rate, std::int64_t duration_ns) {
  ALYS_ASSERT(rate >= 1, "rate 0");
  if (duration_ns <= 0) return 0;
  // The count of i >= 0 with i * 1e9 < duration_ns * rate (exact integer division
  // rounding down in due_offset_ns keeps the two consistent).
  const auto scaled = static_cast<u128>(duration_ns) * rate;
  return static_cast<std::uint64_t>((scaled + kNsPerSec - 1) / kNsPerSec);
}

std::int64_t due_offset_ns(std::uint64_t i, std::uint32_t rate) {
  ALYS_ASSERT(rate >= 1, "rate 0");
  return static_cast<std::int64_t>(static_cast<u128>(i) * kNsPerSec / rate);
}

RequestKind kind_of(std::uint64_t i, std::uint32_t read_percent) {
  ALYS_ASSERT(read_percent <= 100, "read_percent above 100");
  if (transfers_before(i + 1, read_percent) > transfers_before(i, read_percent)) {
    return RequestKind::kTransfer;
  }
  const std::uint64_t read_index = i - transfers_before(i, read_percent);
  return read_index % 2 == 0 ? RequestKind::kGetAccount : RequestKind::kHead;
}

}  // namespace alys::node::load
