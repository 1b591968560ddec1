// clang-format off
#include <utility>  // before Boost.Asio: GCC 12 + C++20 quirk
#include <boost/asio.hpp>
// clang-format on

#include "runtime-real/tcp_transport.h"

#include <algorithm>
#include <array>
#include <deque>
#include <map>
#include <mutex>
#include <set>

#include "core/runtime/assert.h"
#include "core/runtime/random.h"
#include "core/runtime/xoshiro.h"
#include "runtime-real/os_random.h"

namespace alys::real {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Strand = asio::strand<asio::io_context::executor_type>;

namespace {

constexpr std::size_t kPreambleBytes = 13;
constexpr std::uint8_t kVersion = 1;
using Preamble = std::array<std::uint8_t, kPreambleBytes>;

void put_be32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}
std::uint32_t get_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

Preamble make_preamble(std::uint32_t network, NodeId self) {
  Preamble p{'A', 'L', 'Y', 'S', kVersion};
  put_be32(p.data() + 5, network);
  put_be32(p.data() + 9, self);
  return p;
}

struct AtomicMetrics {
  std::atomic<std::uint64_t> dials{0}, accepted{0}, established{0}, bad_preambles{0},
      oversized_frames{0}, duplicates_closed{0}, slow_peers_closed{0}, read_pauses{0},
      redials_scheduled{0}, frames_in{0}, frames_out{0}, connections_refused{0}, frames_started{0};
};

}  // namespace

// One TCP connection. Every member but `undelivered`/`paused` is touched only on the strand.
struct Conn {
  explicit Conn(const Strand& strand) : socket(strand), handshake_timer(strand) {}
  tcp::socket socket;
  asio::steady_timer handshake_timer;
  NodeId peer = kNoNode;
  bool dialled = false;      // we initiated it
  bool open = true;
  bool established = false;  // preambles exchanged; announced to the node
  Preamble in_preamble{};
  Preamble out_preamble{};
  std::array<std::uint8_t, 4> in_length{};
  Bytes in_body;                  // the frame being read: the bytes received so far
  std::size_t in_body_length = 0;  // its announced length
  std::size_t last_body_length = 0;  // the previous frame's, which arrived whole
  std::array<std::uint8_t, 4> out_length{};
  std::deque<SharedFrame> queue;
  std::size_t queued_bytes = 0;
  bool writing = false;
  // Backpressure, shared with the node's executor (see read_next and deliver).
  std::atomic<std::size_t> undelivered{0};
  std::atomic<bool> paused{false};
};
using ConnPtr = std::shared_ptr<Conn>;

struct TcpTransport::State : std::enable_shared_from_this<State> {
  State(asio::io_context& io, Executor& node_executor, NodeId self_id, TcpTransportOptions opts)
      : strand(asio::make_strand(io)), acceptor(strand), node(node_executor), self(self_id),
        options(opts), rng(OsRandom().next()) {}

  struct Dial {
    bool wanted = false;
    unsigned attempt = 0;
    std::shared_ptr<asio::steady_timer> timer;  // a redial is scheduled
    ConnPtr pending;                            // a dial in progress

    void cancel_redial() {
      if (timer) timer->cancel();
      timer = nullptr;
    }
  };

  Strand strand;
  tcp::acceptor acceptor;
  Executor& node;
  const NodeId self;
  const TcpTransportOptions options;
  AtomicMetrics metrics;

  // Strand side.
  Xoshiro256ss rng;
  std::map<NodeId, TcpPeerAddress> addresses;
  std::map<NodeId, Dial> dials;
  std::map<NodeId, ConnPtr> active;  // established connections, one per peer
  std::set<ConnPtr> handshaking;     // accepted or dialled, preambles not yet exchanged
  bool stopped = false;

  // Node side: callbacks run on the node's executor, but send/set_handler come from the
  // actors' strands (the network actor has its own), so these are guarded. Callbacks run
  // under the lock: set_handler(nullptr) then waits for one in progress, and a handler may
  // call back into the transport on its thread (recursive).
  std::recursive_mutex node_mu;
  TransportHandler* handler = nullptr;  // guarded by node_mu
  std::atomic<bool> attached{false};    // handler != nullptr; read on the strand
  std::map<NodeId, ConnPtr> up;         // guarded by node_mu; announced up, not yet down

  // Any thread: no node task is posted once `closed` is set (under post_mu).
  std::mutex post_mu;
  std::atomic<bool> closed{false};

  template <typename F>
  void on_strand(F&& f) {
    asio::post(strand, [s = shared_from_this(), f = std::forward<F>(f)]() mutable { f(*s); });
  }
  template <typename F>
  void to_node(F&& f) {
    std::lock_guard lock(post_mu);
    if (closed.load()) return;
    node.post([s = shared_from_this(), f = std::forward<F>(f)]() mutable {
      if (!s->closed.load()) f(*s);
    });
  }

  // --- strand -------------------------------------------------------------------------

  // Whether `peer` should get a dial (now or scheduled): wanted, and nothing under way.
  bool may_dial(NodeId peer, const Dial& d) const {
    return !stopped && d.wanted && !d.pending && !d.timer && active.count(peer) == 0;
  }

  void start_accept() {
    auto c = std::make_shared<Conn>(strand);
    acceptor.async_accept(c->socket, [s = shared_from_this(), c](boost::system::error_code ec) {
      if (ec || s->stopped) return;  // closed
      ++s->metrics.accepted;
      if (s->handshaking.size() + s->active.size() >= s->options.max_connections) {
        ++s->metrics.connections_refused;
        c->open = false;
        boost::system::error_code ignored;
        c->socket.close(ignored);
      } else {
        s->begin_handshake(c);
      }
      s->start_accept();
    });
  }

  // Drops the bookkeeping of a peer we neither want nor dial (see the header's Memory
  // bounds): otherwise every node id that ever dialled us would keep an entry.
  void forget_idle_dial(NodeId peer) {
    const auto it = dials.find(peer);
    if (it == dials.end()) return;
    const Dial& d = it->second;
    if (!d.wanted && !d.pending && !d.timer) dials.erase(it);
  }

  void start_dial(NodeId peer) {
    Dial& d = dials[peer];
    if (!may_dial(peer, d)) return;
    const auto addr = addresses.find(peer);
    if (addr == addresses.end()) {
      schedule_redial(peer);  // the address may be set later
      return;
    }
    ++metrics.dials;
    auto c = std::make_shared<Conn>(strand);
    c->peer = peer;
    c->dialled = true;
    d.pending = c;
    handshaking.insert(c);
    arm_handshake_timer(c);
    auto resolver = std::make_shared<tcp::resolver>(strand);
    resolver->async_resolve(
        addr->second.host, std::to_string(addr->second.port),
        [s = shared_from_this(), c, resolver](boost::system::error_code ec,
                                              tcp::resolver::results_type results) {
          if (ec || !c->open) return s->fail(c);
          asio::async_connect(c->socket, results,
                              [s, c](boost::system::error_code ec2, const tcp::endpoint&) {
                                if (ec2 || !c->open) return s->fail(c);
                                s->exchange_preambles(c);
                              });
        });
  }

  void begin_handshake(const ConnPtr& c) {
    handshaking.insert(c);
    arm_handshake_timer(c);
    exchange_preambles(c);
  }

  void arm_handshake_timer(const ConnPtr& c) {
    c->handshake_timer.expires_after(options.handshake_timeout);
    c->handshake_timer.async_wait([s = shared_from_this(), c](boost::system::error_code ec) {
      if (!ec && !c->established) s->fail(c);
    });
  }

  void exchange_preambles(const ConnPtr& c) {
    boost::system::error_code ignored;
    c->socket.set_option(tcp::no_delay(true), ignored);
    c->out_preamble = make_preamble(options.network_id, self);
    // Frames queued before this write completes wait for it: one write at a time per socket.
    c->writing = true;
    asio::async_write(c->socket, asio::buffer(c->out_preamble),
                      [s = shared_from_this(), c](boost::system::error_code ec, std::size_t) {
                        if (ec || !c->open) return s->fail(c);
                        if (c->queue.empty()) {
                          c->writing = false;
                        } else {
                          s->write_next(c);
                        }
                      });
    asio::async_read(c->socket, asio::buffer(c->in_preamble),
                     [s = shared_from_this(), c](boost::system::error_code ec, std::size_t) {
                       if (ec || !c->open) return s->fail(c);
                       s->check_preamble(c);
                     });
  }

  void check_preamble(const ConnPtr& c) {
    const Preamble& p = c->in_preamble;
    const NodeId claimed = get_be32(p.data() + 9);
    const bool ok = p[0] == 'A' && p[1] == 'L' && p[2] == 'Y' && p[3] == 'S' && p[4] == kVersion &&
                    get_be32(p.data() + 5) == options.network_id && claimed != self &&
                    claimed != kNoNode && (!c->dialled || claimed == c->peer);
    if (!ok) {
      ++metrics.bad_preambles;
      return fail(c);
    }
    c->peer = claimed;
    establish(c);
  }

  // The connection dialled by the smaller node id wins a duplicate; with the same dialler
  // (one side reconnected before the other saw the old connection break) the newer wins.
  bool wins_over(const Conn& fresh, const Conn& old) const {
    const NodeId fresh_dialler = fresh.dialled ? self : fresh.peer;
    const NodeId old_dialler = old.dialled ? self : old.peer;
    if (fresh_dialler == old_dialler) return true;
    return fresh_dialler == std::min(self, fresh.peer);
  }

  void establish(const ConnPtr& c) {
    handshaking.erase(c);
    c->handshake_timer.cancel();
    c->established = true;
    ++metrics.established;
    if (const auto it = dials.find(c->peer); it != dials.end() && it->second.pending == c) {
      it->second.pending = nullptr;
    }
    if (const auto it = active.find(c->peer); it != active.end()) {
      ++metrics.duplicates_closed;
      if (!wins_over(*c, *it->second)) {
        c->established = false;  // never announced
        return fail(c);
      }
      const ConnPtr old = it->second;
      it->second = c;
      fail(old);  // announces its end before the new connection's start
    } else {
      active.emplace(c->peer, c);
    }
    // Looked up only now: fail() above may have dropped an idle entry.
    if (const auto it = dials.find(c->peer); it != dials.end()) {
      it->second.attempt = 0;
      it->second.cancel_redial();
    }
    forget_idle_dial(c->peer);
    to_node([c](State& s) {
      std::lock_guard lock(s.node_mu);
      s.up[c->peer] = c;
      if (s.handler != nullptr) s.handler->on_peer_up(c->peer);
    });
    read_next(c);
  }

  void read_next(const ConnPtr& c) {
    if (!c->open) return;
    if (!attached.load()) {
      // No node to hand a frame to (its actors still starting, or a network actor between
      // two instances): the peer's frames wait in the socket until set_handler. Read now,
      // they would be dropped, and a dropped Hello costs the peer a hello_timeout.
      c->paused.store(true);
      ++metrics.read_pauses;
      return;
    }
    if (c->undelivered.load() >= options.read_pause_frames) {
      c->paused.store(true);
      // The node may have drained everything between the load above and the store: then
      // it saw paused == false and will not resume us, so look again.
      if (c->undelivered.load() >= options.read_pause_frames) {
        ++metrics.read_pauses;
        return;
      }
      c->paused.store(false);
    }
    asio::async_read(
        c->socket, asio::buffer(c->in_length),
        [s = shared_from_this(), c](boost::system::error_code ec, std::size_t) {
          if (ec || !c->open) return s->fail(c);
          const std::uint32_t length = get_be32(c->in_length.data());
          if (length > s->options.max_frame_bytes) {
            ++s->metrics.oversized_frames;
            return s->fail(c);
          }
          c->in_body = Bytes();
          c->in_body.reserve(std::min<std::size_t>(length, c->last_body_length));
          c->in_body_length = length;
          ++s->metrics.frames_started;
          s->read_body(c);
        });
  }

  // Reads the rest of the frame body into what was reserved, then kReadChunkBytes at a
  // time, the buffer growing with what arrived; then hands the frame to the node.
  void read_body(const ConnPtr& c) {
    if (!c->open) return;
    const std::size_t have = c->in_body.size();
    if (have == c->in_body_length) {
      c->last_body_length = have;
      // Growth by doubling may have left up to as much again unused: the node holds the
      // frame for a while (mailboxes, relays), so keep only its bytes.
      if (c->in_body.capacity() > have + have / 8) c->in_body.shrink_to_fit();
      ++metrics.frames_in;
      ++c->undelivered;
      to_node([c, frame = share_frame(std::move(c->in_body))](State& st) { st.deliver(c, frame); });
      c->in_body = Bytes();
      return read_next(c);
    }
    const std::size_t room = c->in_body.capacity() - have;
    const std::size_t chunk =
        std::min(room > 0 ? room : kReadChunkBytes, c->in_body_length - have);
    c->in_body.resize(have + chunk);
    asio::async_read(c->socket, asio::buffer(c->in_body.data() + have, chunk),
                     [s = shared_from_this(), c](boost::system::error_code ec, std::size_t) {
                       if (ec || !c->open) return s->fail(c);
                       s->read_body(c);
                     });
  }

  void resume(const ConnPtr& c) {
    if (c->paused.exchange(false)) read_next(c);
  }

  void enqueue(const ConnPtr& c, SharedFrame frame) {
    if (!c->open) return;
    c->queued_bytes += frame->size() + 4;
    if (c->queued_bytes > options.max_send_queue_bytes) {
      ++metrics.slow_peers_closed;
      return fail(c);
    }
    c->queue.push_back(std::move(frame));
    if (!c->writing) write_next(c);
  }

  void write_next(const ConnPtr& c) {
    c->writing = true;
    const SharedFrame& frame = c->queue.front();
    put_be32(c->out_length.data(), static_cast<std::uint32_t>(frame->size()));
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(c->out_length),
                                                    asio::buffer(*frame)};
    asio::async_write(c->socket, buffers,
                      [s = shared_from_this(), c](boost::system::error_code ec, std::size_t) {
                        if (ec || !c->open) return s->fail(c);
                        c->queued_bytes -= c->queue.front()->size() + 4;
                        c->queue.pop_front();
                        ++s->metrics.frames_out;
                        if (c->queue.empty()) {
                          c->writing = false;
                        } else {
                          s->write_next(c);
                        }
                      });
  }

  // Ends `c` (idempotent): closes the socket, tells the node if it was announced, and
  // schedules a redial if the peer is still wanted and has no other connection. Takes its
  // own reference: callers pass map entries (active, a dial's pending) that this erases.
  void fail(ConnPtr c) {  // NOLINT(performance-unnecessary-value-param)
    if (!c->open) return;
    c->open = false;
    boost::system::error_code ignored;
    c->socket.shutdown(tcp::socket::shutdown_both, ignored);
    c->socket.close(ignored);
    c->handshake_timer.cancel();
    c->queue.clear();
    c->queued_bytes = 0;
    c->in_body = Bytes();
    handshaking.erase(c);
    if (c->peer == kNoNode) return;  // accepted, never identified
    if (const auto it = active.find(c->peer); it != active.end() && it->second == c) {
      active.erase(it);
    }
    if (const auto it = dials.find(c->peer); it != dials.end() && it->second.pending == c) {
      it->second.pending = nullptr;
    }
    // Before the node hears of the end, so whoever handles on_peer_down sees the redial
    // decided (metrics.redials_scheduled).
    schedule_redial(c->peer);
    forget_idle_dial(c->peer);
    if (c->established) {
      to_node([c](State& s) {
        std::lock_guard lock(s.node_mu);
        const auto it = s.up.find(c->peer);
        if (it == s.up.end() || it->second != c) return;
        s.up.erase(it);
        if (s.handler != nullptr) s.handler->on_peer_down(c->peer);
      });
    }
  }

  void schedule_redial(NodeId peer) {
    const auto found = dials.find(peer);
    if (found == dials.end()) return;  // never wanted
    Dial& d = found->second;
    if (!may_dial(peer, d)) return;
    const std::int64_t base = options.backoff_initial.count();
    const std::int64_t cap = options.backoff_max.count();
    std::int64_t delay = base;
    for (unsigned i = 0; i < d.attempt && delay < cap; ++i) delay *= 2;
    delay = std::min(delay, cap);
    // Jitter in [delay/2, delay]: peers that lost each other at once do not redial in step.
    delay = delay / 2 + static_cast<std::int64_t>(uniform_below(rng, static_cast<std::uint64_t>(delay / 2) + 1));
    ++d.attempt;
    ++metrics.redials_scheduled;
    d.timer = std::make_shared<asio::steady_timer>(strand, Duration(delay));
    d.timer->async_wait([s = shared_from_this(), peer, t = d.timer](boost::system::error_code ec) {
      const auto it = s->dials.find(peer);
      if (it == s->dials.end()) return;
      if (it->second.timer == t) it->second.timer = nullptr;
      if (!ec) {
        s->start_dial(peer);
      } else {
        s->forget_idle_dial(peer);
      }
    });
  }

  void stop_all() {
    stopped = true;
    boost::system::error_code ignored;
    acceptor.close(ignored);
    for (auto& [peer, d] : dials) {
      d.wanted = false;
      d.cancel_redial();
    }
    std::vector<ConnPtr> all(handshaking.begin(), handshaking.end());
    for (const auto& [peer, c] : active) all.push_back(c);
    for (const ConnPtr& c : all) fail(c);
  }

  // --- node ---------------------------------------------------------------------------

  void deliver(const ConnPtr& c, const SharedFrame& frame) {
    {
      std::lock_guard lock(node_mu);
      const auto it = up.find(c->peer);
      if (it != up.end() && it->second == c && handler != nullptr) {
        handler->on_shared_frame(c->peer, frame);
      }
    }
    const std::size_t left = --c->undelivered;
    if (left <= options.read_pause_frames / 2 && c->paused.load()) {
      on_strand([c](State& s) { s.resume(c); });
    }
  }
};

TcpTransport::TcpTransport(asio::io_context& io, Executor& node, NodeId self,
                           TcpTransportOptions options)
    : state_(std::make_shared<State>(io, node, self, options)) {
  ALYS_ASSERT(self != kNoNode, "TcpTransport: self must be a node id");
  ALYS_ASSERT(options.max_frame_bytes <= Transport::kMaxFrameBytes,
              "TcpTransport: max_frame_bytes above Transport::kMaxFrameBytes");
  ALYS_ASSERT(options.backoff_initial.count() > 0 && options.backoff_max >= options.backoff_initial,
              "TcpTransport: backoff must be positive and initial <= max");
  ALYS_ASSERT(options.read_pause_frames > 0, "TcpTransport: read_pause_frames must be positive");
  ALYS_ASSERT(options.max_connections > 0, "TcpTransport: max_connections must be positive");
}

TcpTransport::~TcpTransport() { close(); }

Result<std::uint16_t> TcpTransport::listen(const std::string& host, std::uint16_t port) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return Status::invalid_argument("listen: address '" + host + "': " + ec.message());
  const tcp::endpoint endpoint(address, port);
  auto& acceptor = state_->acceptor;
  const auto where = host + ":" + std::to_string(port);
  if (acceptor.open(endpoint.protocol(), ec); ec) return Status::io_error("listen " + where + ": " + ec.message());
  acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (acceptor.bind(endpoint, ec); ec) return Status::io_error("listen " + where + ": " + ec.message());
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return Status::io_error("listen " + where + ": " + ec.message());
  }
  const std::uint16_t bound = acceptor.local_endpoint(ec).port();
  state_->on_strand([](State& s) { s.start_accept(); });
  return bound;
}

void TcpTransport::set_peer_address(NodeId peer, TcpPeerAddress address) {
  state_->on_strand([peer, address = std::move(address)](State& s) { s.addresses[peer] = address; });
}

void TcpTransport::close() {
  {
    std::lock_guard lock(state_->post_mu);
    if (state_->closed.exchange(true)) return;
  }
  state_->on_strand([](State& s) { s.stop_all(); });
}

TcpTransportMetrics TcpTransport::metrics() const {
  const AtomicMetrics& m = state_->metrics;
  return TcpTransportMetrics{m.dials.load(),           m.accepted.load(),
                             m.established.load(),     m.bad_preambles.load(),
                             m.oversized_frames.load(), m.duplicates_closed.load(),
                             m.slow_peers_closed.load(), m.read_pauses.load(),
                             m.redials_scheduled.load(), m.connections_refused.load(),
                             m.frames_started.load(),   m.frames_in.load(),
                             m.frames_out.load()};
}

void TcpTransport::set_handler(TransportHandler* handler) {
  std::lock_guard lock(state_->node_mu);
  state_->handler = handler;
  state_->attached.store(handler != nullptr);
  // After the store: a read_next that saw no handler has paused its connection by the time
  // this runs on the strand.
  if (handler != nullptr) {
    state_->on_strand([](State& s) {
      for (const auto& [peer, c] : s.active) s.resume(c);
    });
  }
}

void TcpTransport::connect(NodeId peer) {
  state_->on_strand([peer](State& s) {
    s.dials[peer].wanted = true;
    s.start_dial(peer);
  });
}

void TcpTransport::disconnect(NodeId peer) {
  state_->on_strand([peer](State& s) {
    if (const auto it = s.dials.find(peer); it != s.dials.end()) {
      State::Dial& d = it->second;
      d.wanted = false;
      d.cancel_redial();
      if (d.pending) s.fail(d.pending);
    }
    if (const auto it = s.active.find(peer); it != s.active.end()) s.fail(it->second);
    s.forget_idle_dial(peer);
  });
}

bool TcpTransport::send_shared(NodeId peer, SharedFrame frame) {
  ALYS_ASSERT(frame != nullptr, "Transport::send_shared: null frame");
  if (state_->closed.load() || frame->size() > state_->options.max_frame_bytes) return false;
  ConnPtr c;
  {
    std::lock_guard lock(state_->node_mu);
    const auto it = state_->up.find(peer);
    if (it == state_->up.end()) return false;
    c = it->second;
  }
  state_->on_strand([c = std::move(c), frame = std::move(frame)](State& s) mutable {
    s.enqueue(c, std::move(frame));
  });
  return true;
}

bool TcpTransport::is_connected(NodeId peer) const {
  std::lock_guard lock(state_->node_mu);
  return state_->up.count(peer) != 0;
}

}  // namespace alys::real
