#include "core/bitcoin/pegin.h"

#include <algorithm>
#include <string_view>

#include "core/bitcoin/script.h"
#include "core/types/hex.h"

namespace alys {

namespace {

// Strict UTF-8 validation (no overlongs, no surrogates, max U+10FFFF), as Rust's from_utf8.
bool is_valid_utf8(ByteView s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const std::uint8_t c = s[i];
    std::size_t extra = 0;
    std::uint32_t min = 0, cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      extra = 1, min = 0x80, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2, min = 0x800, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3, min = 0x10000, cp = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i - 1 < extra) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const std::uint8_t cc = s[i + k];
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += extra + 1;
  }
  return true;
}

}  // namespace

Result<EvmAddress> evm_address_from_op_return(ByteView script_pubkey) {
  if (script_pubkey.empty() || script_pubkey[0] != op::kReturn) {
    return Status::invalid_argument("pegin: output is not OP_RETURN");
  }
  auto ops = parse_script(script_pubkey);
  if (!ops) return Status::invalid_argument("pegin: OP_RETURN script is malformed");
  const ScriptOp& last = ops->back();
  if (!last.is_push || last.data.empty()) {
    return Status::invalid_argument("pegin: OP_RETURN does not end with a data push");
  }
  EvmAddress out{};
  if (is_valid_utf8(last.data)) {
    std::string_view text = as_chars(last.data);
    if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text.remove_prefix(2);
    if (text.size() != 40) {
      return Status::invalid_argument("pegin: OP_RETURN text is not a 40-digit hex address");
    }
    auto bytes = from_hex(text);
    if (!bytes) return Status::invalid_argument("pegin: OP_RETURN text is not hex");
    std::copy(bytes->begin(), bytes->end(), out.begin());
    return out;
  }
  if (last.data.size() != out.size()) {
    return Status::invalid_argument("pegin: OP_RETURN data is not a 20-byte address");
  }
  std::copy(last.data.begin(), last.data.end(), out.begin());
  return out;
}

Result<PegIn> parse_pegin(const Transaction& tx, ByteView federation_script_pubkey) {
  PegIn pegin;
  bool found = false;
  for (std::size_t i = 0; i < tx.outputs.size(); ++i) {
    if (equal_bytes(tx.outputs[i].script_pubkey, federation_script_pubkey)) {
      pegin.vout = static_cast<std::uint32_t>(i);
      pegin.amount_sat = tx.outputs[i].value;
      found = true;
      break;
    }
  }
  if (!found) return Status::invalid_argument("pegin: no output pays the federation");
  for (const auto& out : tx.outputs) {
    auto address = evm_address_from_op_return(out.script_pubkey);
    if (address) {
      pegin.evm_address = *address;
      pegin.txid = txid(tx);
      return pegin;
    }
  }
  return Status::invalid_argument("pegin: no OP_RETURN output carries an EVM address");
}

Bytes pegin_op_return_script(const EvmAddress& address) {
  Bytes script{op::kReturn};
  script_push_data(script, ByteView(address.data(), address.size()));
  return script;
}

}  // namespace alys
