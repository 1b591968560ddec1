// PegOperation: the life of one peg-in or peg-out as a checked state machine (the seed's
// PegOperation), and PegOperationBook, the bounded, persisted set of them a node answers
// "what happened to my peg?" from.
//
// States (the seed's names; GovernanceApproval exists for the seed's governance flow and
// nothing enters it yet):
//
//   peg-in   Initiated ─► WaitingConfirmations ─► ReadyForExecution ─► Executing ─► Completed
//              deposit seen     in a Bitcoin block      confirmed           in a block   minted
//                                                                           (unfinalized) (finalized)
//            ReadyForExecution / Executing ─► WaitingConfirmations   (its Bitcoin block was
//                                    reorged out before minting: it may be mined again)
//            ReadyForExecution ◄─ Executing                         (its block was abandoned)
//            Completed ─► Failed   (minted, then its deposit left Bitcoin's best chain)
//
//   peg-out  Initiated ─► FederationValidation ─► ReadyForExecution ─► Executing ─►
//              burn final     payment proposed,       m signatures        broadcast
//                             members signing
//            WaitingConfirmations ─► Completed
//              in a Bitcoin block      deep enough
//            Executing / WaitingConfirmations ─► Executing   (dropped or reorged: rebroadcast)
//            any non-final state ─► Failed (with a reason) or Cancelled
//
// Completed, Failed and Cancelled are final, except the peg-in's Completed ─► Failed above.
// A refused transition is an error value naming both states; the operation is unchanged.
// Every accepted transition is kept in the operation's history (bounded: the oldest entries
// beyond kMaxHistory are dropped, keeping the first).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/runtime/status.h"
#include "core/runtime/time.h"
#include "core/types/bytes.h"
#include "core/types/evm_address.h"
#include "core/types/hash256.h"

namespace alys::bridge {

enum class PegKind : std::uint8_t { kPegIn = 1, kPegOut = 2 };

enum class PegState : std::uint8_t {
  kInitiated = 1,
  kWaitingConfirmations = 2,
  kGovernanceApproval = 3,
  kFederationValidation = 4,
  kReadyForExecution = 5,
  kExecuting = 6,
  kCompleted = 7,
  kFailed = 8,
  kCancelled = 9,
};
inline constexpr std::size_t kPegStateCount = 9;

std::string_view peg_kind_name(PegKind k);
std::string_view peg_state_name(PegState s);
bool is_final(PegState s);
// Whether the state machine of `kind` allows `from` -> `to`.
bool transition_allowed(PegKind kind, PegState from, PegState to);
// The shortest chain of allowed transitions from `from` to `to` (the states after `from`,
// ending with `to`; empty if from == to), passing through Failed or Cancelled only as the
// target. nullopt if the machine has none.
std::optional<std::vector<PegState>> transition_path(PegKind kind, PegState from, PegState to);

struct PegTransition {
  PegState to = PegState::kInitiated;
  std::int64_t at_unix_ms = 0;
  std::string note;
  friend bool operator==(const PegTransition&, const PegTransition&) = default;
};

struct PegOperation {
  static constexpr std::size_t kMaxHistory = 32;
  static constexpr std::size_t kMaxNoteChars = 200;

  // Peg-in: the Bitcoin txid of the deposit. Peg-out: the hash of the burn transaction.
  Hash256 id;
  PegKind kind = PegKind::kPegIn;
  PegState state = PegState::kInitiated;
  std::int64_t amount_sat = 0;
  EvmAddress evm_address{};     // peg-in: minted to; peg-out: burned from
  std::string bitcoin_address;  // peg-out: paid to
  std::optional<Hash256> bitcoin_txid;  // peg-out: the payment, once built
  std::vector<PegTransition> history;   // oldest first; history[0] is the creation

  friend bool operator==(const PegOperation&, const PegOperation&) = default;
};

// Moves `op` to `to`, recording `note` (truncated to kMaxNoteChars). Errors
// (kFailedPrecondition): the transition is not allowed; `op` is unchanged.
Status advance(PegOperation& op, PegState to, std::int64_t at_unix_ms, std::string_view note);

class PegOperationBook {
 public:
  static constexpr std::size_t kDefaultMaxOperations = 100'000;
  explicit PegOperationBook(std::size_t max_operations = kDefaultMaxOperations);

  // Starts tracking a new operation in kInitiated. Errors (kFailedPrecondition): the id is
  // already tracked; the book is full of operations that are not final. When full, the
  // oldest final operation is forgotten first.
  Status open(PegOperation op, std::int64_t at_unix_ms);
  // advance() on the operation with that id. Errors: unknown id (kNotFound), or advance's.
  Status move(const Hash256& id, PegState to, std::int64_t at_unix_ms, std::string_view note);
  // Records the Bitcoin payment of a peg-out (its bitcoin_txid). Errors: unknown id
  // (kNotFound); not a peg-out, or the operation is final (kFailedPrecondition).
  Status set_payment(const Hash256& id, const Hash256& bitcoin_txid);

  const PegOperation* find(const Hash256& id) const;
  std::size_t size() const { return ops_.size(); }
  // How many operations of `kind` are in each state, indexed by state value - 1.
  std::vector<std::size_t> count_by_state(PegKind kind) const;
  // Operations in `state`, by id.
  std::vector<const PegOperation*> in_state(PegState state) const;

  // Canonical, versioned encoding; decode refuses anything else, naming the field.
  Bytes encode() const;
  static Result<PegOperationBook> decode(ByteView bytes,
                                         std::size_t max_operations = kDefaultMaxOperations);

  friend bool operator==(const PegOperationBook&, const PegOperationBook&) = default;

 private:
  std::size_t max_operations_;
  std::map<Hash256, PegOperation> ops_;
  std::vector<Hash256> opened_order_;  // for forgetting the oldest final ones
};

}  // namespace alys::bridge
