// Transport: node-to-node frames over connections (DESIGN.md §2).
//
// Connections. connect(peer) asks the transport to keep a connection to `peer` up: it dials,
// and after a break it redials with backoff, until disconnect(peer). The dialled side does not
// need to call connect. There is at most one connection per pair of nodes; both ends learn of
// it through on_peer_up and of its end through on_peer_down.
//
// Frames. send(peer, frame) queues one frame on the current connection to `peer`:
//   - per-connection FIFO: frames arrive in the order they were sent;
//   - at-most-once: never duplicated; a frame may be lost only when its connection breaks,
//     and then every later frame of that connection is lost too (the receiver sees a prefix),
//     and both ends get on_peer_down;
//   - returns false, sending nothing, if there is no connection to `peer` that this end has
//     seen come up (on_peer_up) and not yet seen go down.
// Callback order per peer: on_peer_up, then frames of that connection, then on_peer_down.
// (The simulator's hostile mode, a fault, breaks FIFO and at-most-once on purpose, never the
// callback order: actors must survive a hostile network or peer. See sim_network.h.)
// Frames larger than kMaxFrameBytes are refused (send returns false): a bug in the caller.
//
// Frame buffers. A frame is immutable once sent, so it travels as a SharedFrame: one
// encoding gossiped to many peers is one buffer, which the simulator hands to the receiver
// and a socket transport can queue for several writes, without copies. send(peer, ByteView)
// copies into a new SharedFrame; on_shared_frame's default passes a view to on_frame.
// Thread rules: callbacks run on the node's executor; call send/connect from it too.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/runtime/node_id.h"
#include "core/types/bytes.h"
#include "core/types/hash256.h"

namespace alys {

// A frame's bytes (it is a Bytes), plus room for one digest of them that whoever asks
// first computes and later askers read: a frame gossiped through a mesh reaches every node
// in the one buffer, and each would otherwise hash the same bytes again. The only digest
// kept is the network's gossip id (core/network/seen_cache.h); a second user would need a
// second slot. Thread-safe: a reader either sees the finished digest or computes its own.
class FrameBuffer : public Bytes {
 public:
  explicit FrameBuffer(Bytes bytes) : Bytes(std::move(bytes)) {}
  FrameBuffer(const FrameBuffer&) = delete;
  FrameBuffer& operator=(const FrameBuffer&) = delete;

  // compute(bytes) the first time; the stored result after. `compute` must be a pure
  // function of the bytes, the same one at every call.
  template <typename Compute>
  Hash256 digest(Compute&& compute) const {
    if (state_.load(std::memory_order_acquire) == kReady) return digest_;
    const Hash256 d = compute(static_cast<const Bytes&>(*this));
    std::uint8_t expected = kEmpty;
    if (state_.compare_exchange_strong(expected, kWriting, std::memory_order_acquire)) {
      digest_ = d;
      state_.store(kReady, std::memory_order_release);
    }
    return d;
  }

 private:
  static constexpr std::uint8_t kEmpty = 0, kWriting = 1, kReady = 2;
  mutable std::atomic<std::uint8_t> state_{kEmpty};
  mutable Hash256 digest_{};
};

using SharedFrame = std::shared_ptr<const FrameBuffer>;

inline SharedFrame share_frame(Bytes frame) {
  return std::make_shared<const FrameBuffer>(std::move(frame));
}

class TransportHandler {
 public:
  virtual ~TransportHandler() = default;
  virtual void on_peer_up(NodeId peer) = 0;
  virtual void on_peer_down(NodeId peer) = 0;
  virtual void on_frame(NodeId peer, ByteView frame) = 0;
  // For handlers that keep the frame past the call (a mailbox): the buffer itself.
  virtual void on_shared_frame(NodeId peer, const SharedFrame& frame) { on_frame(peer, *frame); }
};

class Transport {
 public:
  static constexpr std::size_t kMaxFrameBytes = 16u << 20;

  virtual ~Transport() = default;
  // The handler must outlive the transport's use of it; nullptr detaches.
  virtual void set_handler(TransportHandler* handler) = 0;
  virtual void connect(NodeId peer) = 0;
  virtual void disconnect(NodeId peer) = 0;
  // REQUIRES: frame != nullptr.
  virtual bool send_shared(NodeId peer, SharedFrame frame) = 0;
  virtual bool is_connected(NodeId peer) const = 0;

  bool send(NodeId peer, ByteView frame) {
    return send_shared(peer, share_frame(Bytes(frame.begin(), frame.end())));
  }
};

// Connects to nothing: every send fails. For an Env whose node never talks to peers
// (benchmarks, the real-runtime actor tests).
class NullTransport final : public Transport {
 public:
  void set_handler(TransportHandler*) override {}
  void connect(NodeId) override {}
  void disconnect(NodeId) override {}
  bool send_shared(NodeId, SharedFrame) override { return false; }
  bool is_connected(NodeId) const override { return false; }
};

}  // namespace alys
