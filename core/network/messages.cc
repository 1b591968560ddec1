#include "core/network/messages.h"

#include <array>

#include "core/bitcoin/serialize.h"
#include "core/crypto/tagged_hash.h"

namespace alys {

namespace {

// Indexed by WireMessage alternative; the static_assert keeps it in step with the variant.
constexpr std::array<std::string_view, 15> kWireMessageNames = {
    "hello",   "status",        "status_request", "blocks_by_range_request",
    "blocks_by_range_response", "new_block", "approve_block", "new_tx",
    "queue_pow", "ping", "pong", "goodbye", "pegout_signatures",
    "headers_by_range_request", "headers_by_range_response",
};
static_assert(kWireMessageNames.size() == std::variant_size_v<WireMessage>);

}  // namespace

std::string_view wire_message_name(const WireMessage& message) {
  return kWireMessageNames[message.index()];
}

Hash256 hello_signing_hash(const Hello& hello) {
  ByteWriter w(4 + 32 + 32 + 8 + 8);
  w.u32le(hello.chain_id);
  w.hash(hello.genesis);
  w.bytes(hello.node_key);
  w.u64le(hello.from_node);
  w.u64le(hello.to_node);
  return tagged_hash("alys/hello", w.data());
}

}  // namespace alys
