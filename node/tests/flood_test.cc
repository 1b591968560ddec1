// The memory bound check of issue 10: a real `alys-node run` (authority 0 of a two-authority
// network, both nodes running with the resource-conservative profile; authority 1 is an
// honest peer) is flooded over real TCP by peers that complete the real handshake
// (preamble, signed Hello):
//   - tx flooders: distinct, validly signed transfers of the devnet faucet with nonces far
//     ahead (the mempool keeps those: they fill it and the seen cache past their caps), as
//     fast as the socket takes them, a new node id each time the node bans one;
//   - a junk flooder: per node id one kind of invalid data until the node says Goodbye
//     (banned): blocks signed by a key outside the federation, blocks signed by authority 1
//     for slots authority 0 owns, blocks with forged proposer signatures, approvals signed
//     by a stranger, duplicates of one invalid block, undecodable frames;
//   - an oversized sender (a length above the frame cap) and stallers that announce a big
//     frame, send a little of it and stop;
//   - a non-reader: asks for blocks and statuses and never reads (the node's send queue to
//     it must hit tcp_send_queue_bytes_max, set low here, and the node drop it).
// Throughout, every ~50 ms, the node's VmRSS (/proc/PID/status) and its /metrics.
// Checked: peak RSS - baseline (after start-up) <= the memory budget (node/memory_budget.h)
// of the node's limits for the connections the test holds at once and the frames in play,
// times kAllocatorSlack; mempool <= mempool_max, seen cache <= seen_cache_max and every
// mailbox depth <= its capacity at every sample, and their high-water marks at the end;
// each junk identity was banned (told Goodbye(banned), or when that Goodbye was lost with a
// backed-up send queue, told so when it dials again), and the bans show in /metrics; the oversized frame and the
// slow reader were dropped; the node kept producing blocks and answering alys_status
// during and after the flood.
// Under AddressSanitizer RSS is mostly shadow memory and quarantine, so only the
// structural bounds are asserted there (the RSS figures are still printed).
// Every wait is a poll with a deadline. The flood lasts kFloodFor and then until the node's
// mempool has been seen near its cap (how long that takes depends on the machine: under
// ASan on a loaded CI runner 8 s were once not enough), at most kFloodForMax.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "core/chain/approval.h"
#include "core/chain/codec.h"
#include "core/config/node_limits.h"
#include "core/crypto/sha256.h"
#include "core/execution/ledger_tx.h"
#include "core/network/frame_codec.h"
#include "core/network/handshake.h"
#include "core/runtime/transport.h"
#include "node/child_process.h"
#include "node/devnet.h"
#include "node/memory_budget.h"
#include "node/rpc_client.h"
#include "node/tests/process_test_util.h"
#include "runtime-real/tests/poll_until.h"

#if defined(__SANITIZE_ADDRESS__)
#define ALYS_FLOOD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ALYS_FLOOD_ASAN 1
#endif
#endif

namespace alys::node {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kDeadline = 60s;
constexpr auto kFloodFor = 8s;
constexpr auto kFloodForMax = 40s;
constexpr auto kSampleEvery = 50ms;
// RSS counts whole pages, and glibc keeps freed chunks in per-thread arenas (one per
// thread that allocates, up to 8 per core) for reuse by that arena only; the budget
// counts live chunks. Allowance for that fragmentation: a quarter on top of the budget.
constexpr double kAllocatorSlack = 1.25;
// The node's send queue cap for this run (the smallest tcp_send_queue_bytes_max allowed
// is 64 KiB): the non-reader must fill it within the flood.
constexpr std::int64_t kSendQueueBytes = 1 << 20;
// The largest frame any peer sends the node whole in this run (garbage frames are the
// largest; every block, transaction and approval is smaller), and the stallers' partial
// frames. The budget's items are bounded by what frames of this size decode to.
constexpr std::size_t kGarbageFrameBytes = 1024;
constexpr std::size_t kStallers = 8;
constexpr std::size_t kStallerSends = 1000;  // bytes of its big frame a staller sends
constexpr std::size_t kTxFlooders = 2;
constexpr std::size_t kTxs = 12'000;  // distinct transactions, above both caps together

#ifdef ALYS_FLOOD_ASAN
constexpr bool kAsan = true;
#else
constexpr bool kAsan = false;
#endif

bool eventually(const std::function<bool()>& pred) { return real::poll_until(pred, kDeadline, 50ms); }

std::uint64_t rss_bytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;  // kB
  }
  return 0;
}

void put_be32(Bytes& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (24 - 8 * i)));
}
std::uint32_t get_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
Bytes framed(ByteView frame) {
  Bytes out;
  put_be32(out, static_cast<std::uint32_t>(frame.size()));
  out.insert(out.end(), frame.begin(), frame.end());
  return out;
}

// A peer on a raw blocking socket speaking the node's wire protocol (runtime-real/
// tcp_transport.h, core/network/messages.h).
class RawPeer {
 public:
  ~RawPeer() {
    stop_ = true;
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
    if (reader_.joinable()) reader_.join();
    if (fd_ >= 0) ::close(fd_);
  }

  // Connects; rcvbuf > 0 shrinks the receive buffer first (a peer that will not read).
  static std::unique_ptr<RawPeer> connect_to(std::uint16_t port, int rcvbuf = 0) {
    auto p = std::unique_ptr<RawPeer>(new RawPeer());
    p->fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (p->fd_ < 0) return nullptr;
    if (rcvbuf > 0) ::setsockopt(p->fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    const timeval tv{0, 200'000};  // sends give up after 200 ms so floods see their deadline
    ::setsockopt(p->fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    const timeval rtv{5, 0};
    ::setsockopt(p->fd_, SOL_SOCKET, SO_RCVTIMEO, &rtv, sizeof rtv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(p->fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return nullptr;
    return p;
  }

  // Preambles (claiming `id` on the node's network), the node's Hello, then ours signed by
  // `key`. False if the node closed the connection or sent something else.
  bool handshake(NodeId id, const SecretKey& key) {
    std::uint8_t pre[13];
    if (!read_exact(pre, sizeof pre)) return false;
    network_ = get_be32(pre + 5);
    node_id_ = get_be32(pre + 9);
    Bytes mine = {'A', 'L', 'Y', 'S', 1};
    put_be32(mine, network_);
    put_be32(mine, id);
    if (!send_all(mine)) return false;
    auto first = read_frame();
    if (!first) return false;
    auto hello = decode_frame(*first);
    if (!hello || !std::holds_alternative<Hello>(*hello)) return false;
    const Hello& theirs = std::get<Hello>(*hello);
    chain_id_ = theirs.chain_id;
    genesis_ = theirs.genesis;
    const SchnorrSigner signer(key);
    return send_frame(encode_frame(net::make_hello(chain_id_, genesis_, signer, id, node_id_)));
  }

  // Connects as `id` and returns the node's first frame after the preambles (a Hello, or
  // for a banned id a Goodbye).
  static std::optional<WireMessage> first_answer(std::uint16_t port, NodeId id) {
    auto p = connect_to(port);
    if (!p) return std::nullopt;
    std::uint8_t pre[13];
    if (!p->read_exact(pre, sizeof pre)) return std::nullopt;
    Bytes mine = {'A', 'L', 'Y', 'S', 1};
    put_be32(mine, get_be32(pre + 5));
    put_be32(mine, id);
    if (!p->send_all(mine)) return std::nullopt;
    auto f = p->read_frame();
    if (!f) return std::nullopt;
    auto m = decode_frame(*f);
    if (!m) return std::nullopt;
    return *m;
  }

  // Reads and discards frames on a thread from now on, noting a Goodbye and the end.
  void drain() {
    reader_ = std::thread([this] {
      while (!stop_) {
        auto f = read_frame();
        if (!f) {
          if (errno == EAGAIN || errno == EWOULDBLOCK) continue;  // receive timeout
          break;
        }
        if (auto m = decode_frame(*f); m && std::holds_alternative<Goodbye>(*m)) {
          goodbye_ = static_cast<int>(std::get<Goodbye>(*m).reason);
        }
      }
      closed_ = true;
    });
  }

  bool send_frame(ByteView frame) { return send_all(framed(frame)); }
  // Blocks at most ~200 ms per call: false once the connection is gone or the node does
  // not take bytes for that long (gone() tells which).
  bool send_all(ByteView bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        gone_ = !(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
        return false;
      }
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  // The last failed send found the connection closed by the node (not a timeout).
  bool gone() const { return gone_; }

  bool banned() const { return goodbye_ == static_cast<int>(GoodbyeReason::kBanned); }
  bool closed() const { return closed_; }
  std::uint32_t chain_id() const { return chain_id_; }
  const Hash256& genesis() const { return genesis_; }
  NodeId node_id() const { return node_id_; }

 private:
  RawPeer() = default;

  bool read_exact(std::uint8_t* out, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
      const ssize_t r = ::recv(fd_, out + got, n - got, 0);
      if (r <= 0) {
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && got > 0 && !stop_) continue;
        return false;
      }
      got += static_cast<std::size_t>(r);
    }
    return true;
  }
  std::optional<Bytes> read_frame() {
    std::uint8_t len[4];
    if (!read_exact(len, 4)) return std::nullopt;
    Bytes body(get_be32(len));
    if (!body.empty() && !read_exact(body.data(), body.size())) return std::nullopt;
    return body;
  }

  int fd_ = -1;
  std::uint32_t network_ = 0;
  NodeId node_id_ = kNoNode;
  std::uint32_t chain_id_ = 0;
  Hash256 genesis_;
  std::thread reader_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> closed_{false};
  std::atomic<int> goodbye_{0};
  bool gone_ = false;
};

SecretKey key_of(const std::string& tag, std::uint64_t n) {
  return SecretKey::from_bytes(sha256(as_bytes(tag + std::to_string(n))).view()).value();
}

// One sample of the node's /metrics: name{labels} -> value.
using Metrics = std::map<std::string, double>;
std::optional<Metrics> scrape(httplib::Client& http) {
  auto res = http.Get("/metrics");
  if (!res || res->status != 200) return std::nullopt;
  Metrics out;
  std::istringstream in(res->body);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}
std::optional<double> get(const Metrics& m, const std::string& key) {
  const auto it = m.find(key);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

constexpr const char* kActors[] = {"storage", "engine", "chain", "auxpow", "network", "sync"};

// A block at height 1 on genesis for `slot`, its proposer approval by `signer` as `index`
// (or forged bytes when signer is null).
Bytes block_frame(const Hash256& genesis, std::uint64_t slot, const SchnorrSigner* signer,
                  std::uint32_t index, std::uint64_t salt) {
  SignedBlock b;
  b.block.parent_hash = genesis;
  b.block.height = 1;
  b.block.slot = slot;
  b.block.payload.state_root = sha256(as_bytes("flood/root/" + std::to_string(salt)));
  const Hash256 hash = block_hash(b.block);
  if (signer != nullptr) {
    b.approvals.push_back(sign_approval(*signer, index, hash, Hash256{}));
  } else {
    Approval forged;
    forged.authority_index = index;
    const Hash256 h = sha256(as_bytes("flood/forged/" + std::to_string(salt)));
    std::copy(h.view().begin(), h.view().end(), forged.signature.begin());
    std::copy(h.view().begin(), h.view().end(), forged.signature.begin() + 32);
    b.approvals.push_back(forged);
  }
  return encode_frame(WireMessage{NewBlock{std::move(b)}});
}

TEST(Flood, ANodeUnderAFloodStaysWithinItsMemoryBudgetAndItsBoundsAndBansTheJunk) {
  const auto t_start = Clock::now();
  std::string pattern = (fs::temp_directory_path() / "alys-flood-XXXXXX").string();
  const fs::path dir = ::mkdtemp(pattern.data());
  DevnetOptions o;
  o.nodes = 2;
  o.dir = (dir / "net").string();
  o.base_port = test::free_port_run(4);
  o.rpc_base_port = static_cast<std::uint16_t>(o.base_port + 2);
  o.slot_ms = 500;
  o.rpc_rate_per_sec = kMaxRpcRate;
  o.rpc_burst = kMaxRpcRate;
  const auto written = write_devnet_network(o, std::nullopt);
  ASSERT_TRUE(written.has_value()) << written.error().message();
  const SecretKey authority1 = *written->nodes[1].key;

  config::NodeLimits limits = config::profile_limits(config::Profile::kResourceConservative);
  limits.tcp_send_queue_bytes_max = kSendQueueBytes;
  auto start = [&](int i) {
    return ChildProcess::spawn(
        ALYS_NODE_BIN,
        {"run", "--config", (fs::path(o.dir) / ("n" + std::to_string(i)) / "node.toml").string(),
         "--profile", "resource-conservative", "--limit",
         "tcp_send_queue_bytes_max=" + std::to_string(kSendQueueBytes)},
        (dir / ("n" + std::to_string(i) + ".log")).string());
  };
  const std::string log = (dir / "n0.log").string();
  auto child = start(0);
  ASSERT_TRUE(child.has_value()) << child.error().message();
  auto honest = start(1);
  ASSERT_TRUE(honest.has_value()) << honest.error().message();
  ChildProcess& node = *child;
  const pid_t pid = node.pid();

  JsonRpcEndpoint endpoint;
  endpoint.port = o.rpc_base_port;
  endpoint.timeout = 3000ms;
  JsonRpcClient rpc(endpoint);
  auto head = [&]() -> std::optional<std::uint64_t> {
    auto s = rpc.call("alys_status");
    if (!s) return std::nullopt;
    return (*s)["head"]["height"].get<std::uint64_t>();
  };
  ASSERT_TRUE(eventually([&] { auto h = head(); return h && *h >= 2; }))
      << "the node never produced; see " << log;
  httplib::Client http("127.0.0.1", o.rpc_base_port);
  http.set_read_timeout(5, 0);

  // Warm-up, so one-time costs (the first connection, the first scrape) are in the baseline.
  {
    auto warm = RawPeer::connect_to(o.base_port);
    ASSERT_TRUE(warm && warm->handshake(900, key_of("flood/warm/", 0)));
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(scrape(http).has_value());
  }
  // The transactions: signed before the baseline (the signing is the test's, not the node's).
  std::vector<Bytes> txs;
  txs.reserve(kTxs);
  {
    const SecretKey faucet = devnet_faucet_key();
    for (std::size_t k = 0; k < kTxs; ++k) {
      EvmAddress to{};
      to[0] = 0xf1;
      to[19] = static_cast<std::uint8_t>(k);
      txs.push_back(encode_frame(WireMessage{NewTx{signed_transfer(
          faucet, 1'000'000 + k, to, Wei::from_u64(1), Wei::from_u64(1))}}));
    }
  }
  const auto t_baseline = Clock::now();
  const std::uint64_t baseline = rss_bytes(pid);
  const std::uint64_t head_before = head().value_or(0);
  ASSERT_GT(baseline, 0u);

  // --- the flood ---------------------------------------------------------------------
  const auto flood_min_end = Clock::now() + kFloodFor;
  // Set to now by the liveness probe below once the flood has done its job.
  std::atomic<Clock::time_point> flood_end{flood_min_end - kFloodFor + kFloodForMax};
  std::atomic<std::size_t> mempool_seen{0};  // the largest alys_mempool_size scraped so far
  std::atomic<bool> sampling{true};
  std::atomic<std::uint64_t> peak{baseline};
  std::atomic<std::uint64_t> rss_samples{0};
  std::thread rss_sampler([&] {
    while (sampling) {
      const std::uint64_t r = rss_bytes(pid);
      std::uint64_t p = peak.load();
      while (r > p && !peak.compare_exchange_weak(p, r)) {
      }
      ++rss_samples;
      std::this_thread::sleep_for(kSampleEvery);  // the sampling period, not a wait for a result
    }
  });
  std::mutex samples_mu;
  std::vector<Metrics> samples;
  std::thread metrics_sampler([&] {
    httplib::Client h("127.0.0.1", o.rpc_base_port);
    h.set_read_timeout(5, 0);
    while (sampling) {
      if (auto m = scrape(h)) {
        if (auto v = get(*m, "alys_mempool_size")) {
          const auto n = static_cast<std::size_t>(*v);
          if (n > mempool_seen.load()) mempool_seen = n;
        }
        std::lock_guard lock(samples_mu);
        samples.push_back(std::move(*m));
      }
      std::this_thread::sleep_for(kSampleEvery);  // the sampling period
    }
  });

  std::atomic<std::size_t> next_tx{0};
  std::atomic<std::uint64_t> txs_sent{0};
  std::atomic<NodeId> next_id{1000};
  std::vector<std::thread> flooders;
  for (std::size_t f = 0; f < kTxFlooders; ++f) {
    flooders.emplace_back([&] {
      while (Clock::now() < flood_end.load()) {
        const NodeId id = next_id++;
        auto peer = RawPeer::connect_to(o.base_port);
        if (!peer || !peer->handshake(id, key_of("flood/tx/", id))) continue;
        peer->drain();
        Bytes batch;
        while (Clock::now() < flood_end.load() && !peer->closed()) {
          batch.clear();
          for (int i = 0; i < 64; ++i) {
            const Bytes& tx = txs[next_tx++ % txs.size()];
            const Bytes one = framed(tx);
            batch.insert(batch.end(), one.begin(), one.end());
          }
          if (!peer->send_all(batch)) break;
          txs_sent += 64;
        }
      }
    });
  }

  // Junk: one kind per node id, until the node bans it.
  struct JunkKind {
    std::string name;
    std::function<Bytes(std::uint64_t n)> frame;
  };
  std::atomic<std::uint64_t> salt{0};
  // Filled in once the first junk peer learned the genesis from the node's Hello.
  Hash256 genesis;
  const SecretKey stranger = key_of("flood/stranger/", 1);
  const SchnorrSigner stranger_signer(stranger);
  const SchnorrSigner authority1_signer(authority1);
  std::vector<JunkKind> kinds = {
      {"block signed outside the federation",
       [&](std::uint64_t n) { return block_frame(genesis, 2 * n + 2, &stranger_signer, 0, salt++); }},
      {"block by authority 1 in authority 0's slot",
       [&](std::uint64_t n) { return block_frame(genesis, 2 * n + 2, &authority1_signer, 1, salt++); }},
      {"block with a forged signature",
       [&](std::uint64_t n) { return block_frame(genesis, 2 * n + 2, nullptr, 0, salt++); }},
      {"approval signed by a stranger",
       [&](std::uint64_t n) {
         const Hash256 h = sha256(as_bytes("flood/approval/" + std::to_string(salt++ + n)));
         return encode_frame(WireMessage{ApproveBlock{h, sign_approval(stranger_signer, 0, h, Hash256{})}});
       }},
      {"undecodable frame",
       [&](std::uint64_t n) {
         Bytes g(kGarbageFrameBytes, static_cast<std::uint8_t>(0xA5 ^ n));
         g[0] = 1;  // the wire version, and a NewBlock kind whose body does not parse
         g[1] = 6;
         return g;
       }},
  };
  std::map<std::string, int> banned_by_kind;  // the junk thread's only
  std::atomic<int> junk_identities{0};
  std::atomic<int> junk_banned{0};
  std::atomic<std::uint64_t> duplicates_sent{0};
  std::atomic<int> bans_seen_on_redial{0};
  std::thread junk([&] {
    for (std::size_t round = 0; Clock::now() < flood_end.load(); ++round) {
      const JunkKind& kind = kinds[round % kinds.size()];
      const NodeId id = 5000 + static_cast<NodeId>(round);
      auto peer = RawPeer::connect_to(o.base_port);
      if (!peer || !peer->handshake(id, key_of("flood/junk/", id))) continue;
      genesis = peer->genesis();
      peer->drain();
      ++junk_identities;
      // Each frame of each kind costs at least 20 points (ban at -100): a few suffice; one
      // frame is sent five times over (the copies are dropped by the seen cache).
      for (std::uint64_t n = 0; n < 8 && !peer->closed() && !peer->banned(); ++n) {
        const Bytes f = kind.frame(n);
        for (int copy = 0; copy < 5; ++copy) {
          if (!peer->send_frame(f)) break;
          if (copy > 0) ++duplicates_sent;
        }
        real::poll_until([&] { return peer->banned() || peer->closed(); }, 100ms, 5ms);
      }
      real::poll_until([&] { return peer->banned() || peer->closed(); }, 5s, 5ms);
      bool banned = peer->banned();
      if (!banned && peer->closed()) {
        // The Goodbye can be lost: the node closes goodbye_linger after queueing it, and a
        // send queue backed up with relayed gossip is dropped with the connection. A banned
        // id that dials again is told Goodbye(banned) at once, on an empty queue.
        const auto answer = RawPeer::first_answer(o.base_port, id);
        const auto* bye = answer ? std::get_if<Goodbye>(&*answer) : nullptr;
        banned = bye != nullptr && bye->reason == GoodbyeReason::kBanned;
        if (banned) ++bans_seen_on_redial;
      }
      if (banned) {
        ++junk_banned;
        ++banned_by_kind[kind.name];
      } else {
        ADD_FAILURE() << "node id " << id << " sending " << kind.name << " was not banned";
      }
    }
  });

  // Oversized: a length above the frame cap ends the connection at once.
  std::atomic<bool> oversized_dropped{false};
  std::thread oversized([&] {
    auto peer = RawPeer::connect_to(o.base_port);
    if (!peer || !peer->handshake(4000, key_of("flood/oversized/", 0))) return;
    peer->drain();
    Bytes len;
    put_be32(len, static_cast<std::uint32_t>(Transport::kMaxFrameBytes + 1));
    peer->send_all(len);
    oversized_dropped = real::poll_until([&] { return peer->closed(); }, 10s, 10ms);
  });

  // Stallers: a frame just under the cap announced, a little of it sent, then silence.
  std::vector<std::unique_ptr<RawPeer>> stallers;
  // (EXPECT, not ASSERT: the flood threads run; returning now would leave them joinable.)
  for (std::size_t s = 0; s < kStallers; ++s) {
    auto peer = RawPeer::connect_to(o.base_port);
    const bool up = peer && peer->handshake(4100 + static_cast<NodeId>(s), key_of("flood/staller/", s));
    EXPECT_TRUE(up) << "staller " << s;
    if (!up) continue;
    peer->drain();
    Bytes part;
    put_be32(part, static_cast<std::uint32_t>(Transport::kMaxFrameBytes - 1));
    part.resize(4 + kStallerSends, 0x5a);
    EXPECT_TRUE(peer->send_all(part)) << "staller " << s;
    stallers.push_back(std::move(peer));
  }

  // The non-reader: asks for blocks and statuses below the rate limit, reads nothing.
  std::atomic<bool> slow_dropped{false};
  std::thread non_reader([&] {
    auto peer = RawPeer::connect_to(o.base_port, /*rcvbuf=*/4096);
    if (!peer || !peer->handshake(4200, key_of("flood/non-reader/", 0))) return;
    std::uint64_t request = 1;
    while (Clock::now() < flood_end.load() + 5s && !peer->gone()) {
      for (int i = 0; i < 20; ++i) {
        if (!peer->send_frame(encode_frame(WireMessage{BlocksByRangeRequest{request++, 0, 1024}})) ||
            !peer->send_frame(encode_frame(WireMessage{StatusRequest{}}))) {
          break;
        }
      }
      std::this_thread::sleep_for(50ms);  // pacing: 800 frames/s, under the 1000/s limit
    }
    slow_dropped = peer->gone();
  });

  // Liveness during the flood: alys_status answers and the head moves.
  std::uint64_t status_answers = 0, status_calls = 0;
  const std::size_t mempool_near_cap = static_cast<std::size_t>(limits.mempool_max) * 9 / 10;
  while (Clock::now() < flood_end.load()) {
    if (Clock::now() >= flood_min_end && mempool_seen.load() >= mempool_near_cap) flood_end = Clock::now();
    ++status_calls;
    if (head()) ++status_answers;
    std::this_thread::sleep_for(200ms);  // pacing of the probe
  }
  const std::uint64_t head_at_end = head().value_or(0);

  for (auto& t : flooders) t.join();
  junk.join();
  oversized.join();
  non_reader.join();
  stallers.clear();
  const auto t_joined = Clock::now();
  // After the flood: still producing.
  EXPECT_TRUE(eventually([&] { auto h = head(); return h && *h >= head_at_end + 2; }))
      << "the node stopped producing after the flood";
  const auto t_after = Clock::now();
  sampling = false;
  rss_sampler.join();
  metrics_sampler.join();
  std::optional<Metrics> after;
  ASSERT_TRUE(eventually([&] { return (after = scrape(http)).has_value(); }));

  // --- the figures -------------------------------------------------------------------
  // Connections the test held at once: the tx flooders, the junk and oversized peers, the
  // stallers, the non-reader and the honest authority (a banned peer's connection lingers
  // 500 ms: one more each).
  const std::size_t connections = 2 * kTxFlooders + 2 + 2 + kStallers + 1 + 1;
  const ItemBounds items = ItemBounds::for_frames_up_to(kGarbageFrameBytes);
  const MemoryBudget budget = memory_budget(limits, connections, items, /*bridge=*/false);
  const std::uint64_t growth = peak.load() > baseline ? peak.load() - baseline : 0;
  // A mailbox admits sends only below its capacity, but its actor's own timer firings and
  // ask replies are queued past it (core/actor/actor.h, enqueue_local: refusing one would
  // stall the actor's state machine, e.g. the chain's slot ticks). So a depth is at most
  // capacity + the actor's outstanding timers and asks. In this run: a network actor's ping
  // and decay ticks, a hello timeout and a goodbye close per connection, an unban per ban
  // and a redial per refusal; the chain's slot tick, retry and a few asks.
  const std::size_t identities = (next_id.load() - 1000) + static_cast<std::size_t>(junk_identities.load());
  const std::size_t self_messages_max = 8 + 2 * connections + 2 * identities;
  std::size_t mempool_peak = 0, seen_peak = 0;
  std::map<std::string, std::size_t> depth_peak;
  std::size_t with_chain = 0, with_network = 0;
  for (const Metrics& m : samples) {
    if (auto v = get(m, "alys_mempool_size")) {
      ++with_chain;
      mempool_peak = std::max(mempool_peak, static_cast<std::size_t>(*v));
      EXPECT_LE(*v, limits.mempool_max);
    }
    if (auto v = get(m, "alys_seen_cache_size")) {
      ++with_network;
      seen_peak = std::max(seen_peak, static_cast<std::size_t>(*v));
      EXPECT_LE(*v, limits.seen_cache_max);
    }
    for (const char* actor : kActors) {
      const std::string l = std::string("{actor=\"") + actor + "\"}";
      const auto depth = get(m, "alys_actor_mailbox_depth" + l);
      const auto cap = get(m, "alys_actor_mailbox_capacity" + l);
      ASSERT_TRUE(depth && cap) << actor;
      EXPECT_LE(*depth, *cap + static_cast<double>(self_messages_max)) << actor;
      depth_peak[actor] = std::max(depth_peak[actor], static_cast<std::size_t>(*depth));
    }
  }
  const Metrics& end = *after;
  std::map<std::string, double> max_depth;
  for (const char* actor : kActors) {
    const std::string l = std::string("{actor=\"") + actor + "\"}";
    max_depth[actor] = get(end, "alys_actor_mailbox_max_depth" + l).value_or(-1);
    EXPECT_LE(max_depth[actor], get(end, "alys_actor_mailbox_capacity" + l).value_or(0) +
                                    static_cast<double>(self_messages_max))
        << actor;
    EXPECT_EQ(get(end, "alys_actor_mailbox_capacity" + l).value_or(0), 1024) << actor;
  }
  const double seen_high = get(end, "alys_seen_cache_high_water").value_or(-1);
  const double seen_evictions = get(end, "alys_seen_cache_evictions_total").value_or(0);
  const double bans = get(end, "alys_network_bans_total").value_or(0);
  const double bad = get(end, "alys_network_frames_total{result=\"bad\"}").value_or(0);
  const double dups = get(end, "alys_network_frames_total{result=\"duplicate\"}").value_or(0);
  const double rate_limited = get(end, "alys_network_frames_total{result=\"rate_limited\"}").value_or(0);
  const double oversized_frames = get(end, "alys_tcp_oversized_frames_total").value_or(0);
  const double slow_peers = get(end, "alys_tcp_connections_total{event=\"slow_peer\"}").value_or(0);
  const double peer_records = get(end, "alys_network_peer_records").value_or(-1);

  std::cout << "flood test (" << (kAsan ? "ASan" : "release") << ", flood "
            << std::chrono::duration<double>(flood_end.load() - (flood_min_end - kFloodFor)).count()
            << " s, resource-conservative, tcp_send_queue_bytes_max " << kSendQueueBytes << "):\n"
            << "  RSS baseline " << baseline / 1024 << " KiB, peak " << peak.load() / 1024
            << " KiB, growth " << growth / 1024 << " KiB over " << rss_samples.load() << " samples\n"
            << "  budget " << budget.total_bytes() / 1024 << " KiB (" << connections
            << " connections, frames <= " << kGarbageFrameBytes << " B); growth/budget "
            << static_cast<double>(growth) / static_cast<double>(budget.total_bytes()) << "\n"
            << "  worst-case budget of these limits (every item at the codec caps, "
            << limits.tcp_connections_max << " connections): "
            << memory_budget(limits, static_cast<std::size_t>(limits.tcp_connections_max)).total_bytes() / (1 << 20)
            << " MiB\n"
            << "  mempool peak " << mempool_peak << " / " << limits.mempool_max << ", seen cache peak "
            << seen_peak << " (high water " << seen_high << ") / " << limits.seen_cache_max
            << ", evictions " << seen_evictions << "\n"
            << "  mailbox max depth (cap 1024, + at most " << self_messages_max
            << " timer firings and ask replies):";
  for (const auto& [actor, d] : max_depth) std::cout << " " << actor << " " << d;
  std::cout << "\n  sent: " << txs_sent.load() << " txs over " << next_id.load() - 1000
            << " tx ids, " << junk_identities.load() << " junk ids (" << junk_banned.load()
            << " banned, " << bans_seen_on_redial.load() << " of them told on a redial), "
            << duplicates_sent.load() << " duplicates\n"
            << "  node: bans " << bans << ", bad frames " << bad << ", duplicates dropped " << dups
            << ", rate limited " << rate_limited << ", oversized " << oversized_frames
            << ", slow peers closed " << slow_peers << ", peer records " << peer_records << "\n"
            << "  metrics samples " << samples.size() << " (chain answered " << with_chain
            << ", network " << with_network << "); alys_status answered " << status_answers << "/"
            << status_calls << " during the flood; head " << head_before << " -> " << head_at_end
            << "\n  phases: start-up " << std::chrono::duration<double>(t_baseline - t_start).count()
            << " s, flood+join " << std::chrono::duration<double>(t_joined - t_baseline).count()
            << " s, recovery " << std::chrono::duration<double>(t_after - t_joined).count() << " s"
            << "\n  budget terms:\n"
            << budget.to_string();

  // Structural bounds held at every sample and at the high-water marks.
  EXPECT_GT(with_chain, 0u) << "no sample had the chain's figures";
  EXPECT_GT(with_network, 0u) << "no sample had the network's figures";
  EXPECT_LE(seen_high, limits.seen_cache_max);
  // The flood reached the caps.
  EXPECT_GT(seen_evictions, 0) << "the seen cache never filled";
  EXPECT_GE(mempool_peak, mempool_near_cap)
      << "the mempool never came near its cap";
  // Junk gets its sender banned, every kind of it.
  EXPECT_EQ(junk_banned.load(), junk_identities.load());
  for (const JunkKind& k : kinds) EXPECT_GE(banned_by_kind[k.name], 1) << k.name;
  EXPECT_GE(bans, junk_banned.load());
  EXPECT_GT(bad, 0);
  EXPECT_GT(dups, 0);
  EXPECT_TRUE(oversized_dropped.load());
  EXPECT_GE(oversized_frames, 1);
  EXPECT_TRUE(slow_dropped.load()) << "the non-reader was never dropped";
  EXPECT_GE(slow_peers, 1);
  // Liveness during the flood.
  EXPECT_GT(head_at_end, head_before) << "no block during the flood";
  EXPECT_GT(status_answers, 0u);
  // Memory.
  if (kAsan) {
    std::cout << "  (ASan: RSS is shadow memory and quarantine; the RSS bound is not asserted)\n";
  } else {
    EXPECT_LE(static_cast<double>(growth), kAllocatorSlack * static_cast<double>(budget.total_bytes()))
        << "RSS grew " << growth << " bytes, budget " << budget.total_bytes();
  }

  node.signal(SIGINT);
  honest->signal(SIGINT);
  EXPECT_EQ(node.wait_for(60s), 0) << "see " << log;
  EXPECT_EQ(honest->wait_for(60s), 0);
  if (!HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace alys::node
