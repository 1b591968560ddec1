// HandleObserver: sees every message an actor of one ActorSystem is about to handle. For
// tools that watch a run without taking part in it (the simulator's Chrome-trace recorder,
// scenarios/trace_recorder.h); the real runtime never sets one.
//
// Contract:
//   - on_handle runs on the handling actor's strand, just before receive() (or once per
//     message before receive_batch(); a batch cut short by a failure puts its tail back in
//     the mailbox, and those messages are seen again when they are handled again), with
//     the message's envelope and the name of the variant alternative it holds
//     (core/actor/type_name.h). It must not send, block or throw, and must not change
//     anything the actors can see: a run with an observer is the same run.
//   - Given to the ActorSystem at construction (SystemConfig::handle_observer) and fixed
//     for its life (a const member): cells read it on their strands without
//     synchronisation, which is safe because it is written before any actor starts and
//     never again. On a multi-threaded runtime on_handle runs on several strands at once.
//   - attached() / detached() run on the thread that constructs / destroys the system (at
//     the end of its constructor, at the start of its destructor): an observer of several
//     systems in turn (one per incarnation of a simulated node) learns which one is live.
//   - Cost when none is set: one load and one well-predicted branch per handled message
//     (per batch with batching); no allocation, no virtual call, no string work.
#pragma once

#include <string_view>

#include "core/actor/envelope.h"

namespace alys::actor {

class ActorSystem;
class CellBase;

class HandleObserver {
 public:
  virtual ~HandleObserver() = default;
  virtual void attached(ActorSystem& /*system*/) {}
  virtual void detached(ActorSystem& /*system*/) {}
  virtual void on_handle(const CellBase& actor, const EnvelopeMeta& meta,
                         std::string_view message_type) = 0;
};

}  // namespace alys::actor
