// Frames of the node-to-node protocol: one WireMessage per frame.
//
//   frame = version (u8, limits::kWireVersion) | kind (u8, variant index + 1) | body
// Bodies are the message's fields in declaration order, with core/chain/codec.h's
// unversioned forms for chain types (write_signed_block, write_approval, write_ledger_tx,
// write_auxpow_header); a GoodbyeReason is one byte (1..4). BlocksByRangeRequest.count is
// 1..kMaxBlocksPerRange and BlocksByRangeResponse holds at most kMaxBlocksPerRange blocks.
// decode_frame is total: any byte string yields a message or an invalid_argument Status
// naming the field ("frame: version: unsupported 7", "frame: kind: unknown 42",
// "frame: new_block: block: slot: truncated ...", "frame: blocks_by_range_response: block
// 2: approval count: ..."; single-field messages use the kind name alone as context),
// PegoutSignatures holds 1..kMaxPegoutInputs signatures, HeadersByRangeRequest.count is
// 1..kMaxHeadersPerRange and HeadersByRangeResponse holds at most that many headers,
// refuses frames above Transport::kMaxFrameBytes, never allocates more than the frame's
// length justifies, and refuses trailing bytes ("frame: 3 trailing bytes").
// encode_frame REQUIRES a message within the limits (asserted: counts, GoodbyeReason, and
// whatever codec.h's encoders assert); callers that batch blocks keep the frame under
// Transport::kMaxFrameBytes (encode each block once and sum the sizes).
#pragma once

#include <cstddef>
#include <optional>

#include "core/network/messages.h"
#include "core/runtime/status.h"
#include "core/types/bytes.h"

namespace alys {

Bytes encode_frame(const WireMessage& message);
Result<WireMessage> decode_frame(ByteView frame);

// The kind a frame announces (the WireMessage variant index), from its first two bytes
// without decoding the body: nullopt if the frame is too short, of another version or of
// an unknown kind. A frame with a kind may still fail decode_frame.
std::optional<std::size_t> peek_frame_kind(ByteView frame);

}  // namespace alys
