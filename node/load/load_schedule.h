// The open-loop schedule of a load run (wrk2's model): request i of the run is due at
// i / rate seconds after the start, whatever happened to the requests before it, so a slow
// node shows as latency (measured from the due time: no coordinated omission) and never
// lowers the offered rate. Pure functions of the request index: the same options always
// give the same requests in the same order.
//
// Request i goes to connection i mod connections; connection c talks to node
// c mod nodes and sends the transfers of the senders s with s mod connections == c, in
// turn, so each sender's nonces reach one node, in order, on one connection.
// The mix spreads transfers evenly: of any 100 consecutive requests, 100 - read_percent
// are transfers; reads alternate alys_getAccount and alys_head.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace alys::node::load {

enum class RequestKind : std::uint8_t { kTransfer = 0, kGetAccount = 1, kHead = 2 };
inline constexpr std::size_t kRequestKinds = 3;
std::string_view method_of(RequestKind kind);  // the JSON-RPC method

// Requests due before `duration_ns`: i with i * 1e9 / rate < duration_ns.
// REQUIRES: rate >= 1.
std::uint64_t scheduled_requests(std::uint32_t rate, std::int64_t duration_ns);
// When request i is due, in ns after the start. REQUIRES: rate >= 1.
std::int64_t due_offset_ns(std::uint64_t i, std::uint32_t rate);
// REQUIRES: read_percent <= 100.
RequestKind kind_of(std::uint64_t i, std::uint32_t read_percent);

}  // namespace alys::node::load
