// AuxPowActor: merged mining (Alys app/src/auxpow_miner.rs), the createauxblock /
// submitauxblock pair that miners (the simulator's, or real ones over JSON-RPC) call.
//
//   CreateAuxBlock  asks the chain for the work: the aggregate hash of the approved,
//                   unfinalized blocks on its head and the retargeted bits; remembers it
//                   (bounded, oldest dropped) and answers.
//   SubmitAuxBlock  finds the remembered work by aux hash, validates the AuxPoW (commitment,
//                   branches, chain id, parent header meets bits), builds the AuxPowHeader
//                   and hands it to the chain actor, which queues it for the next proposer
//                   and gossips it (QueuePow). Unknown or stale work, or an invalid proof,
//                   is answered with an error naming why.
// Callbacks run on this actor's strand (or the chain's, for work): they must only post.
// Fee recipient: the address a CreateAuxBlock names (Alys's createauxblock(address)) is
// paid the fees of the block that includes the AuxPoW of that work (the latest address
// named for one aux hash wins, as Alys's map insert); work asked without one pays the
// actor's configured recipient.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <variant>

#include "core/actor/actor.h"
#include "core/chain/chain_actor.h"

namespace alys::chain {

struct CreateAuxBlock {
  std::function<void(Result<AuxWork>)> done;
  std::optional<EvmAddress> fee_recipient{};
};
struct SubmitAuxBlock {
  Hash256 aux_hash;
  AuxPow auxpow;
  std::function<void(Status)> done;
};
struct AuxWorkReady {
  Result<AuxWork> work;
  std::function<void(Result<AuxWork>)> done;
  std::optional<EvmAddress> fee_recipient{};
};
struct AuxPowCrashForTest {};

using AuxPowMsg = std::variant<CreateAuxBlock, SubmitAuxBlock, AuxWorkReady, AuxPowCrashForTest>;

class AuxPowActor final : public actor::Actor<AuxPowMsg> {
 public:
  static constexpr std::size_t kWorkRemembered = 64;

  AuxPowActor(actor::ActorRef<ChainMsg> chain, EvmAddress fee_recipient)
      : chain_(std::move(chain)), fee_recipient_(fee_recipient) {}

  Status receive(AuxPowMsg& message) override;

 private:
  Status on_create(CreateAuxBlock& m);
  Status on_work(AuxWorkReady& m);
  Status on_submit(SubmitAuxBlock& m);

  actor::ActorRef<ChainMsg> chain_;
  EvmAddress fee_recipient_;
  std::map<Hash256, AuxWork> work_;
  std::deque<Hash256> work_order_;
  std::map<Hash256, EvmAddress> recipients_;  // by aux hash, for work a miner named one
};

}  // namespace alys::chain
