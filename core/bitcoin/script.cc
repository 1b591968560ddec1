#include "core/bitcoin/script.h"

#include <fmt/format.h>

namespace alys {

void script_push_data(Bytes& script, ByteView data) {
  const std::size_t n = data.size();
  if (n < op::kPushData1) {
    script.push_back(static_cast<std::uint8_t>(n));
  } else if (n <= 0xff) {
    script.push_back(op::kPushData1);
    script.push_back(static_cast<std::uint8_t>(n));
  } else if (n <= 0xffff) {
    script.push_back(op::kPushData2);
    for (int i = 0; i < 2; ++i) script.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
  } else {
    script.push_back(op::kPushData4);
    for (int i = 0; i < 4; ++i) script.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
  }
  append(script, data);
}

void script_push_int(Bytes& script, std::int64_t n) {
  if (n == 0) {
    script.push_back(op::k0);
    return;
  }
  if (n == -1) {
    script.push_back(op::k1Negate);
    return;
  }
  if (n >= 1 && n <= 16) {
    script.push_back(static_cast<std::uint8_t>(op::k1 + n - 1));
    return;
  }
  // CScriptNum: little-endian magnitude, sign in the top bit of the last byte.
  const bool negative = n < 0;
  std::uint64_t abs = negative ? static_cast<std::uint64_t>(-(n + 1)) + 1 : static_cast<std::uint64_t>(n);
  Bytes num;
  while (abs != 0) {
    num.push_back(static_cast<std::uint8_t>(abs & 0xff));
    abs >>= 8;
  }
  if (num.back() & 0x80) {
    num.push_back(negative ? 0x80 : 0x00);
  } else if (negative) {
    num.back() |= 0x80;
  }
  script_push_data(script, num);
}

Result<std::vector<ScriptOp>> parse_script(ByteView script) {
  std::vector<ScriptOp> ops;
  std::size_t pos = 0;
  while (pos < script.size()) {
    const std::size_t start = pos;
    ScriptOp o;
    o.opcode = script[pos++];
    if (o.opcode <= op::kPushData4) {
      o.is_push = true;
      std::size_t len = o.opcode;
      int width = 0;
      if (o.opcode == op::kPushData1) width = 1;
      if (o.opcode == op::kPushData2) width = 2;
      if (o.opcode == op::kPushData4) width = 4;
      if (width > 0) {
        if (script.size() - pos < static_cast<std::size_t>(width)) {
          return Status::invalid_argument(
              fmt::format("script: push length at offset {} runs past the end", start));
        }
        len = 0;
        for (int i = 0; i < width; ++i) len |= static_cast<std::size_t>(script[pos + i]) << (8 * i);
        pos += static_cast<std::size_t>(width);
      }
      if (script.size() - pos < len) {
        return Status::invalid_argument(
            fmt::format("script: push at offset {} runs past the end", start));
      }
      o.data.assign(script.begin() + static_cast<std::ptrdiff_t>(pos),
                    script.begin() + static_cast<std::ptrdiff_t>(pos + len));
      pos += len;
    }
    ops.push_back(std::move(o));
  }
  return ops;
}

}  // namespace alys
