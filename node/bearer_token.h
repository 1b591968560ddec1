// The admin token check of the JSON-RPC server (node/rpc_server.h): whether an
// Authorization header carries the configured bearer token.
//
// Constant time: once the lengths agree, every byte of both strings is read and folded
// into one accumulator, so the time taken does not depend on where (or whether) they
// differ; a client cannot find the token one byte at a time by timing refusals. The
// length is compared first and a mismatch returns at once: that reveals the token's
// length, not its bytes (the usual trade-off, as in OpenSSL's CRYPTO_memcmp callers).
// An empty configured token matches nothing (admin methods are then refused to everyone).
// Pure functions; any thread.
#pragma once

#include <string_view>

namespace alys::node {

// True iff a and b hold the same bytes. Time depends on the lengths only.
bool constant_time_equal(std::string_view a, std::string_view b);

// True iff `header` is exactly "Bearer " + token and token is not empty.
bool bearer_matches(std::string_view header, std::string_view token);

}  // namespace alys::node
