// Minimal Bitcoin script building and reading: pushes (minimal encodings), small-integer
// opcodes, and a total iterator over a script's operations. Enough for the federation's
// tapscript, OP_RETURN data and AuxPoW coinbases; no script interpreter.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/runtime/status.h"
#include "core/types/bytes.h"

namespace alys {

namespace op {
inline constexpr std::uint8_t k0 = 0x00;
inline constexpr std::uint8_t kPushData1 = 0x4c;
inline constexpr std::uint8_t kPushData2 = 0x4d;
inline constexpr std::uint8_t kPushData4 = 0x4e;
inline constexpr std::uint8_t k1Negate = 0x4f;
inline constexpr std::uint8_t k1 = 0x51;
inline constexpr std::uint8_t k16 = 0x60;
inline constexpr std::uint8_t kReturn = 0x6a;
inline constexpr std::uint8_t kGreaterThanOrEqual = 0xa2;
inline constexpr std::uint8_t kCheckSig = 0xac;
inline constexpr std::uint8_t kCheckSigAdd = 0xba;
}  // namespace op

// Appends a data push using the smallest encoding (direct, PUSHDATA1/2/4).
void script_push_data(Bytes& script, ByteView data);
// Appends an integer the way rust-bitcoin's push_int does: OP_0, OP_1NEGATE, OP_1..OP_16,
// otherwise a minimal CScriptNum push.
void script_push_int(Bytes& script, std::int64_t n);

struct ScriptOp {
  std::uint8_t opcode = 0;
  bool is_push = false;  // opcodes 0x00..0x4e carry `data` (possibly empty)
  Bytes data;
};

// All operations of `script`, or an error naming the offset of a push that runs past the end.
Result<std::vector<ScriptOp>> parse_script(ByteView script);

}  // namespace alys
