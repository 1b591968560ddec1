// TcpTransport on loopback (real sockets, real Asio threads) against the Transport contract
// (core/runtime/transport.h): frames in order both ways, the size cap on send and on read,
// bad preambles from a raw client, a duplicate connection, redial after the peer restarts,
// no redial after disconnect, reads that pause while the node is busy or has no handler
// set. Waits are on events (a condition variable with a generous deadline), never on time.
// clang-format off
#include <utility>  // before Boost.Asio: GCC 12 + C++20 quirk
#include <boost/asio.hpp>
// clang-format on

#include "runtime-real/tcp_transport.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "runtime-real/asio_executor.h"
#include "runtime-real/tests/poll_until.h"

namespace alys::real {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

constexpr auto kDeadline = 30s;
constexpr std::uint32_t kNetwork = 0xA1A5;

// Records what a node's transport reports; thread-safe, with waits on conditions.
class Recorder final : public TransportHandler {
 public:
  struct Event {
    enum Kind { kUp, kDown, kFrame } kind;
    NodeId peer;
    Bytes frame;
  };

  void on_peer_up(NodeId peer) override { add({Event::kUp, peer, {}}); }
  void on_peer_down(NodeId peer) override { add({Event::kDown, peer, {}}); }
  void on_frame(NodeId peer, ByteView frame) override {
    add({Event::kFrame, peer, Bytes(frame.begin(), frame.end())});
  }

  // True once pred(events) holds; false at the deadline.
  bool wait(const std::function<bool(const std::vector<Event>&)>& pred) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kDeadline, [&] { return pred(events_); });
  }
  std::vector<Event> events() {
    std::lock_guard lock(mu_);
    return events_;
  }
  static std::size_t count(const std::vector<Event>& ev, Event::Kind kind, NodeId peer) {
    std::size_t n = 0;
    for (const auto& e : ev) n += e.kind == kind && e.peer == peer;
    return n;
  }
  bool wait_count(Event::Kind kind, NodeId peer, std::size_t n) {
    return wait([&](const auto& ev) { return count(ev, kind, peer) >= n; });
  }

 private:
  void add(Event e) {
    {
      std::lock_guard lock(mu_);
      events_.push_back(std::move(e));
    }
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> events_;
};

TcpTransportOptions test_options() {
  TcpTransportOptions o;
  o.network_id = kNetwork;
  o.max_frame_bytes = 1u << 20;
  o.backoff_initial = 10ms;
  o.backoff_max = 200ms;
  return o;
}

// One node: its executor (the node's strand), its transport and what it heard.
struct Node {
  Node(asio::io_context& io_context, NodeId id, TcpTransportOptions opts = test_options())
      : io(io_context), self(id), options(opts), executor(io_context) {
    EXPECT_TRUE(start(0));
  }
  // The transport is closed, then the executor drained: every node task posted before the
  // close has run (the strand is FIFO) and none is posted after it, so nothing touches the
  // recorder once this returns.
  ~Node() { stop(); }
  void stop() {
    if (!transport) return;
    transport.reset();
    on_node([] {});
  }
  // A new transport listening on `listen_port` (0: any); false if the port is taken.
  bool start(std::uint16_t listen_port) {
    transport = std::make_unique<TcpTransport>(io, executor, self, options);
    on_node([&] { transport->set_handler(&recorder); });
    const auto bound = transport->listen("127.0.0.1", listen_port);
    if (!bound) {
      stop();
      return false;
    }
    port = *bound;
    return true;
  }
  // Runs `f` on the node's executor (the thread rule of Transport's node-side calls).
  template <typename F>
  auto on_node(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    executor.post([&task] { task(); });
    result.wait();
    return result.get();
  }
  void dial(Node& other) {
    transport->set_peer_address(other.self, {"127.0.0.1", other.port});
    on_node([&] { transport->connect(other.self); });
  }
  bool send(NodeId peer, Bytes frame) {
    return on_node([&] { return transport->send(peer, frame); });
  }

  asio::io_context& io;
  NodeId self;
  TcpTransportOptions options;
  AsioExecutor executor;
  Recorder recorder;
  std::unique_ptr<TcpTransport> transport;
  std::uint16_t port = 0;
};

// `dialer` connects to `dialled`; true once both have heard on_peer_up of the other.
bool dial_and_wait(Node& dialer, Node& dialled) {
  dialer.dial(dialled);
  return dialer.recorder.wait_count(Recorder::Event::kUp, dialled.self, 1) &&
         dialled.recorder.wait_count(Recorder::Event::kUp, dialer.self, 1);
}

class TcpTransportTest : public ::testing::Test {
 protected:
  TcpTransportTest() : pool_(3) { pool_.start(); }
  ~TcpTransportTest() override {
    nodes_.clear();
    pool_.stop();
  }
  Node& add_node(NodeId id, TcpTransportOptions options = test_options()) {
    nodes_.push_back(std::make_unique<Node>(pool_.context(), id, options));
    return *nodes_.back();
  }
  asio::io_context& io() { return pool_.context(); }

 private:
  AsioPool pool_;
  std::vector<std::unique_ptr<Node>> nodes_;
};

Bytes numbered(std::uint32_t i, std::size_t size) {
  Bytes b(std::max<std::size_t>(size, 4), static_cast<std::uint8_t>(i * 7));
  for (int k = 0; k < 4; ++k) b[k] = static_cast<std::uint8_t>(i >> (24 - 8 * k));
  return b;
}

// A blocking raw TCP client, for bytes a real transport would never send.
struct RawClient {
  explicit RawClient(std::uint16_t port) : socket(io) { socket.connect({asio::ip::make_address("127.0.0.1"), port}); }
  void write(const Bytes& bytes) { asio::write(socket, asio::buffer(bytes)); }
  // True if the other side closed the connection (EOF or reset) rather than sending data.
  bool closed_by_peer() {
    std::array<std::uint8_t, 64> buf{};
    boost::system::error_code ec;
    for (;;) {
      socket.read_some(asio::buffer(buf), ec);
      if (ec) return ec == asio::error::eof || ec == asio::error::connection_reset;
    }
  }
  asio::io_context io;
  tcp::socket socket;
};

Bytes preamble(std::uint32_t network, NodeId id) {
  Bytes p = {'A', 'L', 'Y', 'S', 1};
  for (std::uint32_t v : {network, id}) {
    for (int k = 0; k < 4; ++k) p.push_back(static_cast<std::uint8_t>(v >> (24 - 8 * k)));
  }
  return p;
}

TEST_F(TcpTransportTest, ConnectedPeersExchangeFramesInOrderBothWays) {
  Node& a = add_node(1);
  Node& b = add_node(2);
  ASSERT_TRUE(dial_and_wait(a, b));
  EXPECT_TRUE(a.on_node([&] { return a.transport->is_connected(2); }));
  constexpr std::uint32_t kFrames = 500;
  a.on_node([&] {
    for (std::uint32_t i = 0; i < kFrames; ++i) {
      EXPECT_TRUE(a.transport->send(2, numbered(i, (i * 2654435761u) % 70000)));
    }
    return 0;
  });
  ASSERT_TRUE(b.recorder.wait_count(Recorder::Event::kFrame, 1, kFrames));
  std::uint32_t next = 0;
  for (const auto& e : b.recorder.events()) {
    if (e.kind != Recorder::Event::kFrame) continue;
    EXPECT_EQ(e.frame, numbered(next, (next * 2654435761u) % 70000)) << "frame " << next;
    ++next;
  }
  EXPECT_TRUE(b.send(1, Bytes{}));  // an empty frame is a frame
  ASSERT_TRUE(a.recorder.wait_count(Recorder::Event::kFrame, 2, 1));
  EXPECT_EQ(a.transport->metrics().established, 1u);
  EXPECT_EQ(b.transport->metrics().frames_in, kFrames);
}

TEST_F(TcpTransportTest, SendsOverTheFrameCapOrToAStrangerAreRefused) {
  Node& a = add_node(1);
  Node& b = add_node(2);
  EXPECT_FALSE(a.send(2, Bytes{1}));  // no connection yet
  ASSERT_TRUE(dial_and_wait(a, b));
  EXPECT_FALSE(a.send(2, Bytes((1u << 20) + 1, 0)));
  EXPECT_TRUE(a.send(2, Bytes(1u << 20, 0)));
  EXPECT_FALSE(a.send(3, Bytes{1}));
  ASSERT_TRUE(b.recorder.wait_count(Recorder::Event::kFrame, 1, 1));
}

TEST_F(TcpTransportTest, ABadPreambleIsDroppedAndTheNodeServesOthers) {
  Node& b = add_node(2);
  for (const Bytes& bad : {Bytes(13, 'X'), preamble(kNetwork + 1, 9), preamble(kNetwork, 2)}) {
    RawClient raw(b.port);
    raw.write(bad);
    EXPECT_TRUE(raw.closed_by_peer());
  }
  EXPECT_EQ(b.transport->metrics().bad_preambles, 3u);
  EXPECT_EQ(b.transport->metrics().established, 0u);
  Node& a = add_node(1);
  ASSERT_TRUE(dial_and_wait(a, b));
  EXPECT_EQ(Recorder::count(b.recorder.events(), Recorder::Event::kUp, 9), 0u);
}

TEST_F(TcpTransportTest, AnOversizedFrameFromAPeerEndsItsConnection) {
  Node& b = add_node(2);
  RawClient raw(b.port);
  raw.write(preamble(kNetwork, 7));
  ASSERT_TRUE(b.recorder.wait_count(Recorder::Event::kUp, 7, 1));
  raw.write(Bytes{0, 0, 0, 3, 'o', 'k', '!'});
  ASSERT_TRUE(b.recorder.wait_count(Recorder::Event::kFrame, 7, 1));
  const std::uint32_t too_big = (1u << 20) + 1;
  raw.write(Bytes{static_cast<std::uint8_t>(too_big >> 24), static_cast<std::uint8_t>(too_big >> 16),
                  static_cast<std::uint8_t>(too_big >> 8), static_cast<std::uint8_t>(too_big)});
  ASSERT_TRUE(b.recorder.wait_count(Recorder::Event::kDown, 7, 1));
  EXPECT_TRUE(raw.closed_by_peer());
  EXPECT_EQ(b.transport->metrics().oversized_frames, 1u);
  EXPECT_EQ(b.recorder.events()[1].frame, (Bytes{'o', 'k', '!'}));
}

// A frame larger than one read chunk arrives whole: its buffer grows as its bytes come.
TEST_F(TcpTransportTest, AFrameOfManyReadChunksArrivesWhole) {
  Node& b = add_node(2);
  RawClient raw(b.port);
  raw.write(preamble(kNetwork, 7));
  ASSERT_TRUE(b.recorder.wait_count(Recorder::Event::kUp, 7, 1));
  const std::size_t size = 3 * kReadChunkBytes + 123;
  Bytes frame = numbered(5, size);
  Bytes wire = {static_cast<std::uint8_t>(size >> 24), static_cast<std::uint8_t>(size >> 16),
                static_cast<std::uint8_t>(size >> 8), static_cast<std::uint8_t>(size)};
  wire.insert(wire.end(), frame.begin(), frame.end());
  // In pieces, so reads end mid-chunk too.
  for (std::size_t at = 0; at < wire.size(); at += 40'000) {
    raw.write(Bytes(wire.begin() + static_cast<std::ptrdiff_t>(at),
                    wire.begin() + static_cast<std::ptrdiff_t>(std::min(wire.size(), at + 40'000))));
  }
  ASSERT_TRUE(b.recorder.wait_count(Recorder::Event::kFrame, 7, 1));
  EXPECT_EQ(b.recorder.events()[1].frame, frame);
}

std::uint64_t own_rss_bytes() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

// A peer that announces a frame near the cap and sends a little of it holds a read chunk,
// not the frame it announced: stallers cannot make the node allocate what they never send.
TEST_F(TcpTransportTest, AnAnnouncedFrameHoldsOnlyWhatArrived) {
  TcpTransportOptions big = test_options();
  big.max_frame_bytes = Transport::kMaxFrameBytes;
  Node& b = add_node(2, big);
  constexpr std::size_t kStallers = 32;  // 512 MiB if each frame were allocated whole
  const std::uint64_t before = own_rss_bytes();
  std::vector<std::unique_ptr<RawClient>> stallers;
  for (std::size_t i = 0; i < kStallers; ++i) {
    auto raw = std::make_unique<RawClient>(b.port);
    const NodeId id = static_cast<NodeId>(100 + i);
    raw->write(preamble(kNetwork, id));
    ASSERT_TRUE(b.recorder.wait_count(Recorder::Event::kUp, id, 1));
    const std::uint32_t length = Transport::kMaxFrameBytes - 1;
    Bytes part = {static_cast<std::uint8_t>(length >> 24), static_cast<std::uint8_t>(length >> 16),
                  static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)};
    part.resize(4 + 1000, 0x5a);
    raw->write(part);
    stallers.push_back(std::move(raw));
  }
  // Every staller's frame length was read, so its buffer exists (the first chunk's).
  ASSERT_TRUE(poll_until([&] { return b.transport->metrics().frames_started >= kStallers; }, kDeadline));
  const std::uint64_t after = own_rss_bytes();
  EXPECT_LT(after - std::min(after, before), std::uint64_t{128} << 20)
      << "RSS grew from " << before << " to " << after;
  EXPECT_EQ(Recorder::count(b.recorder.events(), Recorder::Event::kFrame, 100), 0u);
}

// Past max_connections an accepted connection is closed at once, whatever node id it
// claims; one that ends makes room for the next.
TEST_F(TcpTransportTest, ConnectionsPastTheCapAreClosedAtOnce) {
  TcpTransportOptions capped = test_options();
  capped.max_connections = 2;
  Node& b = add_node(2, capped);
  auto r1 = std::make_unique<RawClient>(b.port);
  r1->write(preamble(kNetwork, 7));
  RawClient r2(b.port);
  r2.write(preamble(kNetwork, 8));
  ASSERT_TRUE(b.recorder.wait_count(Recorder::Event::kUp, 7, 1));
  ASSERT_TRUE(b.recorder.wait_count(Recorder::Event::kUp, 8, 1));
  {
    RawClient r3(b.port);
    EXPECT_TRUE(r3.closed_by_peer());
  }
  EXPECT_EQ(b.transport->metrics().connections_refused, 1u);
  EXPECT_EQ(Recorder::count(b.recorder.events(), Recorder::Event::kUp, 9), 0u);
  r1.reset();  // closes: room for one more
  ASSERT_TRUE(b.recorder.wait_count(Recorder::Event::kDown, 7, 1));
  RawClient r4(b.port);
  r4.write(preamble(kNetwork, 9));
  ASSERT_TRUE(b.recorder.wait_count(Recorder::Event::kUp, 9, 1));
  EXPECT_EQ(b.transport->metrics().connections_refused, 1u);
}

// Two connections to one peer (simultaneous dials, or a peer that reconnected before we saw
// its old connection break) are resolved alike on both ends: the one dialled by the smaller
// node id stays. A raw client plays the second connection, claiming a node's id.
TEST_F(TcpTransportTest, ADuplicateDialledByTheLargerIdIsClosedAndTheFirstCarriesOn) {
  Node& a = add_node(1);
  Node& b = add_node(2);
  ASSERT_TRUE(dial_and_wait(a, b));  // dialled by 1
  RawClient impostor(a.port);
  impostor.write(preamble(kNetwork, 2));  // dialled by 2: loses
  EXPECT_TRUE(impostor.closed_by_peer());
  EXPECT_EQ(a.transport->metrics().duplicates_closed, 1u);
  EXPECT_TRUE(a.send(2, Bytes{1}));
  ASSERT_TRUE(b.recorder.wait_count(Recorder::Event::kFrame, 1, 1));
  const auto ev = a.recorder.events();
  EXPECT_EQ(Recorder::count(ev, Recorder::Event::kUp, 2), 1u);
  EXPECT_EQ(Recorder::count(ev, Recorder::Event::kDown, 2), 0u);
}

TEST_F(TcpTransportTest, ADuplicateDialledByTheSmallerIdReplacesTheFirst) {
  Node& a = add_node(1);
  Node& b = add_node(2);
  ASSERT_TRUE(dial_and_wait(b, a));  // dialled by 2
  RawClient newcomer(b.port);
  newcomer.write(preamble(kNetwork, 1));  // dialled by 1: wins
  ASSERT_TRUE(b.recorder.wait_count(Recorder::Event::kUp, 1, 2));
  const auto ev = b.recorder.events();
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[1].kind, Recorder::Event::kDown);  // the old one's end before the new start
  EXPECT_EQ(b.transport->metrics().duplicates_closed, 1u);
  ASSERT_TRUE(a.recorder.wait_count(Recorder::Event::kDown, 2, 1));  // its connection ended
  EXPECT_TRUE(b.send(1, Bytes{5}));  // now goes to the newcomer: preamble, then the frame
  Bytes got(13 + 5);
  asio::read(newcomer.socket, asio::buffer(got));
  EXPECT_EQ(Bytes(got.begin() + 13, got.end()), (Bytes{0, 0, 0, 1, 5}));
}

TEST_F(TcpTransportTest, TheDialerRedialsAPeerThatRestartsOnTheSamePort) {
  Node& a = add_node(1);
  Node& b = add_node(2);
  const std::uint16_t port = b.port;
  ASSERT_TRUE(dial_and_wait(a, b));
  b.stop();  // the peer's process goes away
  ASSERT_TRUE(a.recorder.wait_count(Recorder::Event::kDown, 2, 1));
  // The old listener closes on its strand after stop(): take the port once it is free.
  ASSERT_TRUE(poll_until([&] { return b.start(port); }, kDeadline));
  ASSERT_TRUE(a.recorder.wait_count(Recorder::Event::kUp, 2, 2));
  ASSERT_TRUE(b.recorder.wait_count(Recorder::Event::kUp, 1, 2));
  EXPECT_GE(a.transport->metrics().dials, 2u);
  EXPECT_TRUE(a.send(2, Bytes{42}));
  ASSERT_TRUE(b.recorder.wait_count(Recorder::Event::kFrame, 1, 1));
}

TEST_F(TcpTransportTest, DisconnectEndsTheConnectionOnBothSidesAndStopsRedialing) {
  Node& a = add_node(1);
  Node& b = add_node(2);
  ASSERT_TRUE(dial_and_wait(a, b));
  a.on_node([&] { a.transport->disconnect(2); });
  ASSERT_TRUE(a.recorder.wait_count(Recorder::Event::kDown, 2, 1));
  ASSERT_TRUE(b.recorder.wait_count(Recorder::Event::kDown, 1, 1));
  // The redial decision is made before on_peer_down is posted (see fail()).
  EXPECT_EQ(a.transport->metrics().redials_scheduled, 0u);
  EXPECT_FALSE(a.on_node([&] { return a.transport->is_connected(2); }));
  EXPECT_FALSE(a.send(2, Bytes{1}));
}

// The receiving node's executor is held busy: its transport stops reading after
// read_pause_frames undelivered frames, and once the node is free every frame arrives, in
// order.
TEST_F(TcpTransportTest, ReadsPauseWhileTheNodeIsBusyAndNothingIsLost) {
  TcpTransportOptions slow = test_options();
  slow.read_pause_frames = 8;
  Node& a = add_node(1);
  Node& b = add_node(2, slow);
  ASSERT_TRUE(dial_and_wait(a, b));
  // Set on every way out of the test, so the node's executor never stays blocked.
  struct Release {
    std::promise<void> promise;
    bool done = false;
    void now() {
      if (!std::exchange(done, true)) promise.set_value();
    }
    ~Release() { now(); }
  } release;
  std::shared_future<void> released = release.promise.get_future().share();
  b.executor.post([released] { released.wait(); });
  constexpr std::uint32_t kFrames = 200;
  a.on_node([&] {
    for (std::uint32_t i = 0; i < kFrames; ++i) EXPECT_TRUE(a.transport->send(2, numbered(i, 512)));
    return 0;
  });
  ASSERT_TRUE(poll_until([&] { return b.transport->metrics().read_pauses >= 1; }, kDeadline));
  EXPECT_LE(b.transport->metrics().frames_in, 8u);
  release.now();
  ASSERT_TRUE(b.recorder.wait_count(Recorder::Event::kFrame, 1, kFrames));
  std::uint32_t next = 0;
  for (const auto& e : b.recorder.events()) {
    if (e.kind == Recorder::Event::kFrame) {
      EXPECT_EQ(e.frame, numbered(next, 512));
      ++next;
    }
  }
}

// A node whose actors are not attached yet (no handler: still starting, or a network actor
// between two instances) leaves a peer's frames in the socket and gets them once attached.
// Read at once, they were dropped: the peer's Hello was lost, and both sides waited out
// hello_timeout (every devnet start, "reconnecting to peer N: no hello in time").
TEST_F(TcpTransportTest, FramesWaitForTheNodesHandlerInsteadOfBeingDropped) {
  Node& a = add_node(1);
  Node& b = add_node(2);
  b.on_node([&] { b.transport->set_handler(nullptr); });
  a.dial(b);
  ASSERT_TRUE(a.recorder.wait_count(Recorder::Event::kUp, 2, 1));
  ASSERT_TRUE(a.send(2, numbered(7, 64)));
  ASSERT_TRUE(poll_until([&] { return b.transport->metrics().read_pauses >= 1; }, kDeadline))
      << "b read from a peer with no handler to give the frames to";
  EXPECT_EQ(b.transport->metrics().frames_in, 0u);
  EXPECT_TRUE(b.on_node([&] { return b.transport->is_connected(1); }));
  b.on_node([&] { b.transport->set_handler(&b.recorder); });
  ASSERT_TRUE(b.recorder.wait_count(Recorder::Event::kFrame, 1, 1));
  for (const auto& e : b.recorder.events()) {
    if (e.kind == Recorder::Event::kFrame) {
      EXPECT_EQ(e.frame, numbered(7, 64));
    }
  }
}

}  // namespace
}  // namespace alys::real
