// libFuzzer target: ByteReader (core/bitcoin/serialize.h), the cursor every wire decoder
// is built on.
//
// Input layout: byte 0 = number of operations k (mod 64), then k operation bytes, then the
// payload the reader walks. Operation byte b picks read kind b % 11 with parameter b / 11.
// Checks, per read: a failure leaves the cursor where it was and names its field; a success
// advances by exactly the bytes consumed, and ByteWriter re-encodes the value to exactly
// those bytes (CompactSize is canonical, so this holds for it too); var_bytes respects its
// max_len, count() never promises more elements than the bytes left can hold; expect_end
// agrees with remaining().
#include <algorithm>
#include <string>

#include "core/bitcoin/serialize.h"
#include "core/fuzz/fuzz_util.h"

namespace {

using namespace alys;

constexpr std::string_view kField = "fuzz field";

// The bytes consumed between `before` and the reader's position.
ByteView consumed(ByteView payload, std::size_t before, const ByteReader& r) {
  return payload.subspan(before, r.position() - before);
}

// Common checks for one read: on error, no movement and a message naming the field; on
// success, `encode` (given the writer) must reproduce the consumed bytes.
template <typename T, typename Encode>
void check_read(ByteView payload, const ByteReader& r, std::size_t before, const Result<T>& got,
                Encode encode) {
  if (!got) {
    FUZZ_CHECK(r.position() == before, "byte_reader: failed read moved the cursor");
    FUZZ_CHECK(got.error().message().find(kField) != std::string::npos,
               "byte_reader: error does not name the field");
    return;
  }
  ByteWriter w;
  encode(w, *got);
  FUZZ_CHECK(equal_bytes(w.data(), consumed(payload, before, r)),
             "byte_reader: re-encoding differs from the bytes read");
}

void run_op(std::uint8_t op, ByteView payload, ByteReader& r) {
  const std::size_t before = r.position();
  const std::size_t param = op / 11;
  switch (op % 11) {
    case 0:
      check_read(payload, r, before, r.u8(kField), [](ByteWriter& w, auto v) { w.u8(v); });
      break;
    case 1:
      check_read(payload, r, before, r.u16le(kField), [](ByteWriter& w, auto v) { w.u16le(v); });
      break;
    case 2:
      check_read(payload, r, before, r.u32le(kField), [](ByteWriter& w, auto v) { w.u32le(v); });
      break;
    case 3:
      check_read(payload, r, before, r.u64le(kField), [](ByteWriter& w, auto v) { w.u64le(v); });
      break;
    case 4:
      check_read(payload, r, before, r.i32le(kField), [](ByteWriter& w, auto v) { w.i32le(v); });
      break;
    case 5:
      check_read(payload, r, before, r.i64le(kField), [](ByteWriter& w, auto v) { w.i64le(v); });
      break;
    case 6: {
      auto n = r.compact_size(kField);
      if (n) FUZZ_CHECK(*n <= kMaxCompactSize, "byte_reader: CompactSize above the maximum");
      check_read(payload, r, before, n, [](ByteWriter& w, auto v) { w.compact_size(v); });
      break;
    }
    case 7: {
      auto view = r.take(param, kField);
      if (view) FUZZ_CHECK(view->size() == param, "byte_reader: take returned the wrong size");
      check_read(payload, r, before, view, [](ByteWriter& w, ByteView v) { w.bytes(v); });
      break;
    }
    case 8: {
      const std::size_t max_len = param * 4;
      auto bytes = r.var_bytes(kField, max_len);
      if (bytes) FUZZ_CHECK(bytes->size() <= max_len, "byte_reader: var_bytes above max_len");
      check_read(payload, r, before, bytes,
                 [](ByteWriter& w, const Bytes& v) { w.var_bytes(v); });
      break;
    }
    case 9:
      check_read(payload, r, before, r.hash(kField),
                 [](ByteWriter& w, const Hash256& v) { w.hash(v); });
      break;
    default: {
      const std::size_t min_element = param % 8;
      const std::uint64_t max_count = 1 + param * 16;
      auto n = r.count(kField, min_element, max_count);
      if (n) {
        FUZZ_CHECK(*n <= max_count, "byte_reader: count above max_count");
        FUZZ_CHECK(min_element == 0 || *n <= r.remaining() / min_element,
                   "byte_reader: count cannot fit in the bytes left");
      }
      check_read(payload, r, before, n, [](ByteWriter& w, auto v) { w.compact_size(v); });
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const ByteView in = fuzz::input_bytes(data, size);
  const std::size_t ops = std::min<std::size_t>(in[0] % 64, size - 1);
  const ByteView program = in.subspan(1, ops);
  const ByteView payload = in.subspan(1 + ops);
  ByteReader r(payload);
  for (std::uint8_t op : program) run_op(op, payload, r);
  FUZZ_CHECK(r.position() + r.remaining() == payload.size(), "byte_reader: lost track of bytes");
  FUZZ_CHECK(r.expect_end("fuzz").is_ok() == r.empty(), "byte_reader: expect_end disagrees");
  return 0;
}
