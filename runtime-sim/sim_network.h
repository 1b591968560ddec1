// SimNetwork: the simulated network between a world's nodes, and each node's Transport.
//
// Model (see core/runtime/transport.h for the contract it implements):
//   - one connection per node pair, dialled by whichever end wants it; the handshake takes
//     one link latency each way and needs both directions reachable and both nodes up;
//   - frames take a latency drawn per frame from the link's model, but never overtake an
//     earlier frame of the same connection and direction (FIFO), and a clogged link holds
//     them until the clog ends;
//   - a fault that would lose a frame (loss, a cut link, a crash, an explicit break) breaks
//     the whole connection at once: every frame still in flight is lost, each live end gets
//     on_peer_down after a detection delay, and ends that still want the peer redial after a
//     backoff. So a receiver always sees a prefix of what was sent on a connection;
//   - partitions are sets of cut one-way links; heal removes them;
//   - hostile mode (set_hostile, a fault) deliberately breaks the FIFO and at-most-once
//     parts of the contract, to test that actors tolerate a hostile network or peer: a
//     frame may be delivered twice (a duplicate, a little after the original) and may
//     overtake earlier frames of its connection (reorder). It never delivers a frame
//     outside on_peer_up..on_peer_down, and breaks, cuts, clogs and crashes still apply to
//     duplicates: a duplicate of a frame whose connection broke is lost with it.
// All draws come from the world's "network" stream (hostile mode draws only while on, so
// runs without it replay as before).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "core/runtime/transport.h"
#include "core/runtime/xoshiro.h"
#include "runtime-sim/sim_config.h"

namespace alys::sim {

class World;

// Watches frames cross the network without changing anything (the Chrome-trace recorder,
// scenarios/trace_recorder.h): the simulator tells it each frame it schedules and each one
// it hands to a receiver, so it can draw an arrow from the sending handler to the
// receiving one. Draws nothing from the seed and schedules nothing: a run with an observer
// is the same run.
class FrameObserver {
 public:
  virtual ~FrameObserver() = default;
  // `from` sends a frame to `to` now, and it is scheduled for delivery. Returns a tag the
  // delivery carries back (0: not interested). A hostile-mode duplicate carries the same tag.
  virtual std::uint64_t on_frame_sent(NodeId from, NodeId to) = 0;
  // The frame tagged `tag` (nonzero) is about to be handed to `to`'s transport handler.
  virtual void on_frame_delivered(NodeId from, NodeId to, std::uint64_t tag) = 0;
};

struct NetworkStats {
  std::uint64_t frames_sent = 0;
  std::uint64_t frames_delivered = 0;
  std::uint64_t frames_lost = 0;
  std::uint64_t connections_made = 0;
  std::uint64_t connection_breaks = 0;
  // Hostile mode: extra copies scheduled, and frames scheduled to arrive before an earlier
  // frame of their connection and direction.
  std::uint64_t frames_duplicated = 0;
  std::uint64_t frames_reordered = 0;
};

class SimNetwork {
 public:
  SimNetwork(World& world, const NetworkConfig& config);
  ~SimNetwork();

  void add_node();
  Transport& endpoint(NodeId node);

  // Called by the World: `node` died (after its incarnation changed) / came back.
  void on_node_crash(NodeId node);

  // --- faults ---------------------------------------------------------------------------
  void cut(NodeId from, NodeId to);  // one-way; breaks a connection across it
  // Replaces every cut: afterwards exactly the links between different groups are cut (a
  // node in no group is isolated from all).
  void partition(const std::vector<std::vector<NodeId>>& groups);
  void heal();
  void heal(NodeId from, NodeId to);
  void clog(NodeId from, NodeId to, Duration duration);
  void break_connection(NodeId a, NodeId b);
  void set_link_latency(NodeId from, NodeId to, const LatencyModel& model);
  void set_link_loss_ppm(NodeId from, NodeId to, std::uint32_t loss_ppm);
  // Back to the network-wide model (NetworkConfig) for the link.
  void reset_link_latency(NodeId from, NodeId to);
  void reset_link_loss(NodeId from, NodeId to);
  // Hostile mode, network-wide, for frames sent from now on (see the header): each frame is
  // duplicated with chance duplicate_ppm and left free to overtake with chance
  // reorder_ppm. (0, 0) turns it off. Chances above 1'000'000 count as certain.
  void set_hostile(std::uint32_t duplicate_ppm, std::uint32_t reorder_ppm);
  bool hostile() const { return duplicate_ppm_ != 0 || reorder_ppm_ != 0; }

  bool is_cut(NodeId from, NodeId to) const { return link(from, to).cut; }
  bool connected(NodeId a, NodeId b) const;  // both ends see the connection up
  const NetworkStats& stats() const { return stats_; }
  // REQUIRES: `observer` (null: none) outlives the frames sent while it is set.
  void set_frame_observer(FrameObserver* observer) { observer_ = observer; }
  std::size_t node_count() const { return endpoints_.size(); }

 private:
  class Endpoint;
  friend class Endpoint;

  struct Link {
    bool cut = false;
    Instant clogged_until{};
    std::optional<LatencyModel> latency;
    std::optional<std::uint32_t> loss_ppm;
  };
  struct Conn {
    std::uint64_t epoch = 0;  // bumped when a connection starts and when it breaks
    bool live = false;        // a connection (handshaking or up) exists for `epoch`
    std::uint64_t up_epoch[2] = {0, 0};  // per end (0 = lower id): connection it sees up
    Instant last_arrival[2] = {};        // per direction (0 = from the lower id)
    Instant up_notice[2] = {};  // per direction: when that direction's on_peer_up lands
  };

  Link& link(NodeId from, NodeId to) { return links_[from * endpoints_.size() + to]; }
  const Link& link(NodeId from, NodeId to) const {
    return links_[from * endpoints_.size() + to];
  }
  Conn& conn(NodeId a, NodeId b);
  static int end_of(NodeId self, NodeId other) { return self < other ? 0 : 1; }

  Duration draw_latency(NodeId from, NodeId to);
  Duration draw_between(Duration lo, Duration hi);
  bool reachable(NodeId a, NodeId b) const;
  Instant next_arrival(Conn& c, NodeId from, NodeId to);
  // A frame's arrival: next_arrival, unless hostile mode lets it overtake.
  Instant frame_arrival(Conn& c, NodeId from, NodeId to);
  void schedule_delivery(NodeId from, NodeId to, std::uint64_t epoch, Instant at,
                         SharedFrame frame, std::uint64_t tag);

  // Transport operations of node `self`.
  void want(NodeId self, NodeId peer);
  void unwant(NodeId self, NodeId peer);
  bool send(NodeId self, NodeId peer, SharedFrame frame);
  bool is_connected(NodeId self, NodeId peer) const;

  void schedule_attempt(NodeId self, NodeId peer, Duration delay);
  void attempt(NodeId self, NodeId peer);
  void accept(NodeId dialler, NodeId self, std::uint64_t epoch);
  void established(NodeId self, NodeId peer, std::uint64_t epoch);
  void deliver(NodeId from, NodeId to, std::uint64_t epoch, const SharedFrame& frame,
               std::uint64_t tag);
  void fail(NodeId a, NodeId b);
  void notify_down(NodeId self, NodeId peer, std::uint64_t epoch);

  World& world_;
  NetworkConfig config_;
  Xoshiro256ss rng_;
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
  std::vector<Link> links_;  // n*n, row = from
  std::vector<Conn> conns_;  // n*n, only [lo][hi] used
  NetworkStats stats_;
  std::uint32_t duplicate_ppm_ = 0;  // hostile mode
  std::uint32_t reorder_ppm_ = 0;
  FrameObserver* observer_ = nullptr;
};

}  // namespace alys::sim
