// Hex text <-> bytes.
//
// to_hex writes lowercase, two digits per byte, in the order given. from_hex accepts upper
// or lower case digits, requires an even number of them and nothing else (no "0x", no
// spaces); anything else is an invalid_argument error naming the offending position.
// Neither function reverses bytes: Bitcoin's reversed display order is Hash256's business.
#pragma once

#include <string>
#include <string_view>

#include "core/runtime/status.h"
#include "core/types/bytes.h"

namespace alys {

std::string to_hex(ByteView bytes);

// Decodes `text` into bytes. Errors: odd length, or a non-hex character.
Result<Bytes> from_hex(std::string_view text);

// Value of one hex digit, or -1 if `c` is not one.
int hex_digit_value(char c);

}  // namespace alys
