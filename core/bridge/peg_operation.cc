#include "core/bridge/peg_operation.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/bitcoin/serialize.h"
#include "core/chain/limits.h"

namespace alys::bridge {

namespace {

constexpr std::uint8_t kEncodingVersion = 1;
// Smallest encoded operation: id, kind, state, amount, address, empty bitcoin address,
// no payment txid, a history count.
constexpr std::size_t kMinOperationBytes = 32 + 1 + 1 + 8 + 20 + 1 + 1 + 1;
constexpr std::size_t kMinTransitionBytes = 1 + 8 + 1;

using S = PegState;

bool valid_state(std::uint8_t v) { return v >= 1 && v <= kPegStateCount; }

}  // namespace

std::string_view peg_kind_name(PegKind k) {
  return k == PegKind::kPegIn ? "peg-in" : "peg-out";
}

std::string_view peg_state_name(PegState s) {
  switch (s) {
    case S::kInitiated:
      return "Initiated";
    case S::kWaitingConfirmations:
      return "WaitingConfirmations";
    case S::kGovernanceApproval:
      return "GovernanceApproval";
    case S::kFederationValidation:
      return "FederationValidation";
    case S::kReadyForExecution:
      return "ReadyForExecution";
    case S::kExecuting:
      return "Executing";
    case S::kCompleted:
      return "Completed";
    case S::kFailed:
      return "Failed";
    case S::kCancelled:
      return "Cancelled";
  }
  return "Unknown";
}

bool is_final(PegState s) {
  return s == S::kCompleted || s == S::kFailed || s == S::kCancelled;
}

bool transition_allowed(PegKind kind, PegState from, PegState to) {
  // Leaving by failure or cancellation is allowed from every state that is not final.
  if (!is_final(from) && (to == S::kFailed || to == S::kCancelled)) return true;
  if (kind == PegKind::kPegIn) {
    switch (from) {
      case S::kInitiated:
        return to == S::kWaitingConfirmations || to == S::kGovernanceApproval;
      case S::kGovernanceApproval:
        return to == S::kWaitingConfirmations;
      case S::kWaitingConfirmations:
        return to == S::kReadyForExecution;
      case S::kReadyForExecution:
        return to == S::kExecuting || to == S::kWaitingConfirmations;
      case S::kExecuting:
        return to == S::kCompleted || to == S::kReadyForExecution ||
               to == S::kWaitingConfirmations;
      case S::kCompleted:
        return to == S::kFailed;  // minted, then the deposit left Bitcoin's best chain
      case S::kFederationValidation:
      case S::kFailed:
      case S::kCancelled:
        return false;
    }
    return false;
  }
  switch (from) {
    case S::kInitiated:
      return to == S::kFederationValidation || to == S::kGovernanceApproval;
    case S::kGovernanceApproval:
      return to == S::kFederationValidation;
    case S::kFederationValidation:
      return to == S::kReadyForExecution;
    case S::kReadyForExecution:
      return to == S::kExecuting;
    case S::kExecuting:
      return to == S::kWaitingConfirmations || to == S::kExecuting;  // rebroadcast
    case S::kWaitingConfirmations:
      return to == S::kCompleted || to == S::kExecuting;  // dropped or reorged: again
    case S::kCompleted:
    case S::kFailed:
    case S::kCancelled:
      return false;
  }
  return false;
}

std::optional<std::vector<PegState>> transition_path(PegKind kind, PegState from, PegState to) {
  if (from == to) return std::vector<PegState>{};
  // Breadth-first over the nine states; states are visited in value order, so the path
  // is the same on every node.
  std::vector<int> prev(kPegStateCount + 1, -1);
  std::vector<std::uint8_t> queue = {static_cast<std::uint8_t>(from)};
  prev[static_cast<std::size_t>(from)] = 0;
  for (std::size_t head = 0; head < queue.size(); ++head) {
    const auto at = static_cast<PegState>(queue[head]);
    if (at == to) break;
    if ((at == S::kFailed || at == S::kCancelled) && at != from) continue;
    for (std::uint8_t v = 1; v <= kPegStateCount; ++v) {
      if (prev[v] != -1 || !transition_allowed(kind, at, static_cast<PegState>(v))) continue;
      prev[v] = queue[head];
      queue.push_back(v);
    }
  }
  if (prev[static_cast<std::size_t>(to)] == -1) return std::nullopt;
  std::vector<PegState> path;
  for (auto v = static_cast<std::uint8_t>(to); v != static_cast<std::uint8_t>(from);
       v = static_cast<std::uint8_t>(prev[v])) {
    path.push_back(static_cast<PegState>(v));
  }
  std::reverse(path.begin(), path.end());
  return path;
}

Status advance(PegOperation& op, PegState to, std::int64_t at_unix_ms, std::string_view note) {
  if (!transition_allowed(op.kind, op.state, to)) {
    return Status::failed_precondition(fmt::format("{} {}: {} -> {} is not a transition",
                                                   peg_kind_name(op.kind),
                                                   op.id.to_hex().substr(0, 12),
                                                   peg_state_name(op.state), peg_state_name(to)));
  }
  op.state = to;
  op.history.push_back(PegTransition{
      to, at_unix_ms, std::string(note.substr(0, PegOperation::kMaxNoteChars))});
  if (op.history.size() > PegOperation::kMaxHistory) {
    op.history.erase(op.history.begin() + 1);  // keep the creation entry
  }
  return Status::ok();
}

PegOperationBook::PegOperationBook(std::size_t max_operations)
    : max_operations_(std::max<std::size_t>(max_operations, 1)) {}

Status PegOperationBook::open(PegOperation op, std::int64_t at_unix_ms) {
  if (ops_.count(op.id) != 0) {
    return Status::failed_precondition(fmt::format("{} {}: already tracked",
                                                   peg_kind_name(op.kind),
                                                   op.id.to_hex().substr(0, 12)));
  }
  if (ops_.size() >= max_operations_) {
    auto oldest_final = std::find_if(opened_order_.begin(), opened_order_.end(),
                                     [&](const Hash256& id) { return is_final(ops_.at(id).state); });
    if (oldest_final == opened_order_.end()) {
      return Status::failed_precondition(fmt::format(
          "peg operations: {} tracked and none of them final", ops_.size()));
    }
    ops_.erase(*oldest_final);
    opened_order_.erase(oldest_final);
  }
  op.state = S::kInitiated;
  op.history.assign(1, PegTransition{S::kInitiated, at_unix_ms, "opened"});
  opened_order_.push_back(op.id);
  ops_.emplace(op.id, std::move(op));
  return Status::ok();
}

Status PegOperationBook::move(const Hash256& id, PegState to, std::int64_t at_unix_ms,
                              std::string_view note) {
  auto it = ops_.find(id);
  if (it == ops_.end()) {
    return Status::not_found(fmt::format("peg operation {}: unknown", id.to_hex().substr(0, 12)));
  }
  return advance(it->second, to, at_unix_ms, note);
}

Status PegOperationBook::set_payment(const Hash256& id, const Hash256& bitcoin_txid) {
  auto it = ops_.find(id);
  if (it == ops_.end()) {
    return Status::not_found(fmt::format("peg operation {}: unknown", id.to_hex().substr(0, 12)));
  }
  PegOperation& op = it->second;
  if (op.kind != PegKind::kPegOut || is_final(op.state)) {
    return Status::failed_precondition(fmt::format("{} {}: payment not settable in {}",
                                                   peg_kind_name(op.kind),
                                                   id.to_hex().substr(0, 12),
                                                   peg_state_name(op.state)));
  }
  op.bitcoin_txid = bitcoin_txid;
  return Status::ok();
}

const PegOperation* PegOperationBook::find(const Hash256& id) const {
  auto it = ops_.find(id);
  return it == ops_.end() ? nullptr : &it->second;
}

std::vector<std::size_t> PegOperationBook::count_by_state(PegKind kind) const {
  std::vector<std::size_t> out(kPegStateCount, 0);
  for (const auto& [id, op] : ops_) {
    if (op.kind == kind) ++out[static_cast<std::size_t>(op.state) - 1];
  }
  return out;
}

std::vector<const PegOperation*> PegOperationBook::in_state(PegState state) const {
  std::vector<const PegOperation*> out;
  for (const auto& [id, op] : ops_) {
    if (op.state == state) out.push_back(&op);
  }
  return out;
}

Bytes PegOperationBook::encode() const {
  ByteWriter w(16 + ops_.size() * 256);
  w.u8(kEncodingVersion);
  w.compact_size(opened_order_.size());
  for (const Hash256& id : opened_order_) {  // in opening order: the eviction order
    const PegOperation& op = ops_.at(id);
    w.hash(op.id);
    w.u8(static_cast<std::uint8_t>(op.kind));
    w.u8(static_cast<std::uint8_t>(op.state));
    w.i64le(op.amount_sat);
    w.bytes(ByteView(op.evm_address.data(), op.evm_address.size()));
    w.var_bytes(as_bytes(op.bitcoin_address));
    w.u8(op.bitcoin_txid ? 1 : 0);
    if (op.bitcoin_txid) w.hash(*op.bitcoin_txid);
    w.compact_size(op.history.size());
    for (const PegTransition& t : op.history) {
      w.u8(static_cast<std::uint8_t>(t.to));
      w.i64le(t.at_unix_ms);
      w.var_bytes(as_bytes(t.note));
    }
  }
  return w.take();
}

Result<PegOperationBook> PegOperationBook::decode(ByteView bytes, std::size_t max_operations) {
  auto fail = [](const Status& s) { return with_context("peg operations", s); };
  ByteReader r(bytes);
  auto version = r.u8("version");
  if (!version) return fail(version.error());
  if (*version != kEncodingVersion) {
    return Status::invalid_argument(
        fmt::format("peg operations: version: unsupported {}", *version));
  }
  PegOperationBook book(max_operations);
  auto count = r.count("count", kMinOperationBytes, book.max_operations_);
  if (!count) return fail(count.error());
  for (std::uint64_t i = 0; i < *count; ++i) {
    const auto ctx = [i](const Status& s) {
      return with_context(fmt::format("peg operations: operation {}", i), s);
    };
    PegOperation op;
    auto id = r.hash("id");
    if (!id) return ctx(id.error());
    op.id = *id;
    auto kind = r.u8("kind");
    if (!kind) return ctx(kind.error());
    if (*kind != 1 && *kind != 2) {
      return ctx(Status::invalid_argument(fmt::format("kind: unknown {}", *kind)));
    }
    op.kind = static_cast<PegKind>(*kind);
    auto state = r.u8("state");
    if (!state) return ctx(state.error());
    if (!valid_state(*state)) {
      return ctx(Status::invalid_argument(fmt::format("state: unknown {}", *state)));
    }
    op.state = static_cast<PegState>(*state);
    auto amount = r.i64le("amount");
    if (!amount) return ctx(amount.error());
    if (*amount < 0 || *amount > limits::kMaxMoneySat) {
      return ctx(Status::invalid_argument(fmt::format("amount: {} sat out of range", *amount)));
    }
    op.amount_sat = *amount;
    auto address = r.take(20, "evm address");
    if (!address) return ctx(address.error());
    std::copy(address->begin(), address->end(), op.evm_address.begin());
    auto btc = r.var_bytes("bitcoin address", limits::kMaxBitcoinAddressChars);
    if (!btc) return ctx(btc.error());
    op.bitcoin_address.assign(btc->begin(), btc->end());
    auto has_txid = r.u8("payment presence");
    if (!has_txid) return ctx(has_txid.error());
    if (*has_txid > 1) {
      return ctx(Status::invalid_argument(fmt::format("payment presence: {}", *has_txid)));
    }
    if (*has_txid == 1) {
      auto txid = r.hash("payment txid");
      if (!txid) return ctx(txid.error());
      op.bitcoin_txid = *txid;
    }
    auto n = r.count("history count", kMinTransitionBytes, PegOperation::kMaxHistory);
    if (!n) return ctx(n.error());
    if (*n == 0) return ctx(Status::invalid_argument("history: empty"));
    for (std::uint64_t k = 0; k < *n; ++k) {
      PegTransition t;
      auto to = r.u8("history state");
      if (!to) return ctx(to.error());
      if (!valid_state(*to)) {
        return ctx(Status::invalid_argument(fmt::format("history state: unknown {}", *to)));
      }
      t.to = static_cast<PegState>(*to);
      auto at = r.i64le("history time");
      if (!at) return ctx(at.error());
      t.at_unix_ms = *at;
      auto note = r.var_bytes("history note", PegOperation::kMaxNoteChars);
      if (!note) return ctx(note.error());
      t.note.assign(note->begin(), note->end());
      op.history.push_back(std::move(t));
    }
    if (op.history.back().to != op.state) {
      return ctx(Status::invalid_argument("state: differs from the last history entry"));
    }
    if (!book.ops_.emplace(op.id, op).second) {
      return ctx(Status::invalid_argument("id: listed twice"));
    }
    book.opened_order_.push_back(op.id);
  }
  if (Status s = r.expect_end("peg operations"); !s) return s;
  return book;
}

}  // namespace alys::bridge
