// libFuzzer target: parse_script and evm_address_from_op_return (core/bitcoin/script.h,
// core/bitcoin/pegin.h).
//
// Checks: parse_script fails only on a push that runs past the end; the operations it
// returns rebuild the input byte for byte (opcode, then for PUSHDATA1/2/4 the little-endian
// length, then the data); direct pushes carry exactly `opcode` bytes; a push whose opcode
// is the minimal one for its data is reproduced by script_push_data. The OP_RETURN reader
// is total, accepts only OP_RETURN scripts, and reads back the address that
// pegin_op_return_script writes (when the raw form is not taken for text: see pegin.h).
#include "core/bitcoin/pegin.h"
#include "core/bitcoin/script.h"
#include "core/fuzz/fuzz_util.h"

namespace {

using namespace alys;

// Re-encodes `o` keeping its opcode (so non-minimal pushes survive too).
void rebuild(Bytes& out, const ScriptOp& o) {
  out.push_back(o.opcode);
  if (!o.is_push) return;
  int width = 0;
  if (o.opcode == op::kPushData1) width = 1;
  if (o.opcode == op::kPushData2) width = 2;
  if (o.opcode == op::kPushData4) width = 4;
  for (int i = 0; i < width; ++i) {
    out.push_back(static_cast<std::uint8_t>(o.data.size() >> (8 * i)));
  }
  append(out, o.data);
}

// The opcode script_push_data would choose for `n` bytes.
std::uint8_t minimal_push_opcode(std::size_t n) {
  if (n < op::kPushData1) return static_cast<std::uint8_t>(n);
  if (n <= 0xff) return op::kPushData1;
  if (n <= 0xffff) return op::kPushData2;
  return op::kPushData4;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView script = fuzz::input_bytes(data, size);
  auto ops = parse_script(script);
  if (ops) {
    Bytes rebuilt;
    for (const ScriptOp& o : *ops) {
      FUZZ_CHECK(o.is_push == (o.opcode <= op::kPushData4), "script: push flag wrong");
      if (o.is_push && o.opcode < op::kPushData1) {
        FUZZ_CHECK(o.data.size() == o.opcode, "script: direct push has the wrong size");
      }
      if (!o.is_push) FUZZ_CHECK(o.data.empty(), "script: non-push carries data");
      if (o.is_push && o.opcode == minimal_push_opcode(o.data.size())) {
        Bytes minimal;
        script_push_data(minimal, o.data);
        Bytes mine;
        rebuild(mine, o);
        FUZZ_CHECK(minimal == mine, "script: script_push_data differs on a minimal push");
      }
      rebuild(rebuilt, o);
    }
    FUZZ_CHECK(equal_bytes(rebuilt, script), "script: operations do not rebuild the input");
  } else {
    FUZZ_CHECK(ops.error().message().starts_with("script: "), "script: error names nothing");
  }

  auto address = evm_address_from_op_return(script);
  if (!address) return 0;
  FUZZ_CHECK(!script.empty() && script[0] == op::kReturn, "pegin: non-OP_RETURN accepted");
  FUZZ_CHECK(ops.has_value(), "pegin: malformed script accepted");
  const Bytes written = pegin_op_return_script(*address);
  auto reread = evm_address_from_op_return(written);
  if (reread) FUZZ_CHECK(*reread == *address, "pegin: OP_RETURN address round trip");
  return 0;
}
