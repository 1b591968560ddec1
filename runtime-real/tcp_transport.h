// TcpTransport: the real runtime's Transport (core/runtime/transport.h) over TCP, on an Asio
// io_context (DESIGN.md §2, §8).
//
// Wire. Each side of a new connection first sends a 13-byte preamble: "ALYS", version 1,
// the network id (u32 big-endian) and its node id (u32 big-endian); then frames, each a u32
// big-endian length and that many bytes. A preamble with another magic, version or network,
// a dialled peer that names another node id, a node that names our own id, or a frame
// longer than max_frame_bytes ends the connection (counted in metrics). The preamble only
// says who a peer claims to be; the network actor's signed Hello authenticates that claim
// with the node key (core/network/handshake.h), on every connection, before anything else.
//
// Connections. connect(peer) keeps a connection to the peer's address (set_peer_address)
// up: it dials, and after a failure or a break it redials after an exponential backoff
// (backoff_initial doubling to backoff_max) with jitter (a uniform draw in [d/2, d]), until
// disconnect(peer). A dial is abandoned if it has not completed the preamble exchange within
// handshake_timeout. Accepted connections need no connect(). At most one connection per
// pair: when both sides dial each other, both keep the one dialled by the smaller node id.
//
// Flow control. Writes queue per connection; a peer whose queue passes max_send_queue_bytes
// cannot keep up and is disconnected (the contract allows a loss only with a break). Reads
// stop while read_pause_frames frames of a connection are posted to the node but not yet
// handled (the node's executor is the mailbox the frames go to), and resume when it has
// caught up by half: a fast peer slows to the node's pace instead of growing its queue.
// No frame is read while no handler is set (before the node's first set_handler, or
// between a set_handler(nullptr) and the next): a peer that dialled a node whose actors
// were still starting lost its Hello that way, and both sides waited out hello_timeout.
// A frame's buffer grows as its bytes arrive (kReadChunkBytes at a time), so a peer that
// announces a large frame and sends little holds only what it sent; except that it starts
// at the size of the connection's previous frame (one allocation, one read and no copy
// for a sync's range responses, a few hundred KB each, which chunk by chunk cost a copy at
// every doubling and page faults), which that peer did send.
//
// Memory bounds (node/memory_budget.h). At most max_connections connections exist at
// once, both directions and both phases counted: an accepted connection past it is closed
// at once (connections_refused), so made-up node ids cannot multiply per-connection
// buffers. Per-peer bookkeeping outlives a connection only while the peer is wanted
// (connect) or a dial or redial of it is under way; a node id that only ever dialled us
// leaves nothing behind once its connection ends.
//
// Threads. Socket work runs on one Asio strand of the io_context (any number of pool
// threads). Handler callbacks run on the node's Executor given to the constructor, in the
// contract's order per peer. Every method may be called from any thread: with actors on
// strands, the network actor calls send from its own strand while callbacks run on the
// node's executor, so the node-side state is under a (recursive) mutex that callbacks hold:
// after set_handler(nullptr) returns no callback reaches the old handler. After close()
// returns no new callback is posted; one already posted runs but finds the transport closed
// and does nothing. The io_context must outlive every completion (stop the pool after
// destroying the transport).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/runtime/executor.h"
#include "core/runtime/status.h"
#include "core/runtime/time.h"
#include "core/runtime/transport.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace alys::real {

struct TcpPeerAddress {
  std::string host;  // an IP address or a name the resolver knows
  std::uint16_t port = 0;
  friend bool operator==(const TcpPeerAddress&, const TcpPeerAddress&) = default;
};

// Connections at once by default (TcpTransportOptions::max_connections).
inline constexpr std::size_t kTcpConnectionsMaxDefault = 256;
// Bytes asked of the socket per read of a frame body past what was reserved (see Flow
// control).
inline constexpr std::size_t kReadChunkBytes = std::size_t{64} << 10;

struct TcpTransportOptions {
  std::uint32_t network_id = 0;
  std::size_t max_frame_bytes = Transport::kMaxFrameBytes;
  Duration backoff_initial = std::chrono::milliseconds(100);
  Duration backoff_max = std::chrono::seconds(10);
  Duration handshake_timeout = std::chrono::seconds(5);
  std::size_t max_send_queue_bytes = std::size_t{64} << 20;
  std::size_t read_pause_frames = 1024;
  std::size_t max_connections = kTcpConnectionsMaxDefault;  // > 0
};

// Counters since construction; readable from any thread.
struct TcpTransportMetrics {
  std::uint64_t dials = 0;               // dial attempts started
  std::uint64_t accepted = 0;            // inbound TCP connections accepted
  std::uint64_t established = 0;         // connections that completed the preamble exchange
  std::uint64_t bad_preambles = 0;       // wrong magic, version, network or node id
  std::uint64_t oversized_frames = 0;    // a length above max_frame_bytes: connection dropped
  std::uint64_t duplicates_closed = 0;   // the loser of two connections to one peer
  std::uint64_t slow_peers_closed = 0;   // send queue over max_send_queue_bytes
  std::uint64_t read_pauses = 0;         // times a connection stopped reading (backpressure)
  std::uint64_t redials_scheduled = 0;   // backoff timers armed for a wanted peer
  std::uint64_t connections_refused = 0; // accepted past max_connections: closed at once
  std::uint64_t frames_started = 0;     // lengths read within the cap (body being read)
  std::uint64_t frames_in = 0;
  std::uint64_t frames_out = 0;
};

class TcpTransport final : public Transport {
 public:
  // REQUIRES: `node` outlives the transport; self != kNoNode.
  TcpTransport(boost::asio::io_context& io, Executor& node, NodeId self,
               TcpTransportOptions options);
  ~TcpTransport() override;  // close()
  TcpTransport(const TcpTransport&) = delete;
  TcpTransport& operator=(const TcpTransport&) = delete;

  // Binds host:port and accepts connections (port 0: a free port). Returns the bound port;
  // errors (kIoError) name the address.
  Result<std::uint16_t> listen(const std::string& host, std::uint16_t port);
  // Where connect(peer) dials; a later call replaces the address for the next dial.
  void set_peer_address(NodeId peer, TcpPeerAddress address);
  // Stops listening, drops every connection and every redial. Idempotent.
  void close();
  TcpTransportMetrics metrics() const;

  void set_handler(TransportHandler* handler) override;
  void connect(NodeId peer) override;
  void disconnect(NodeId peer) override;
  bool send_shared(NodeId peer, SharedFrame frame) override;
  bool is_connected(NodeId peer) const override;

  struct State;  // shared with in-flight completions (defined in the .cc)

 private:
  std::shared_ptr<State> state_;
};

}  // namespace alys::real
