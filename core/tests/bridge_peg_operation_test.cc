// PegOperation's state machine (every allowed and refused transition of both kinds), the
// book's bounds and its persisted encoding.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <set>
#include <utility>

#include "core/bridge/peg_operation.h"

namespace alys::bridge {
namespace {

using S = PegState;

Hash256 id_of(std::uint8_t n) {
  Hash256 h;
  h.data()[0] = n;
  h.data()[31] = 0x5a;
  return h;
}

PegOperation op_of(std::uint8_t n, PegKind kind) {
  PegOperation op;
  op.id = id_of(n);
  op.kind = kind;
  op.amount_sat = 1000 + n;
  op.evm_address.fill(n);
  if (kind == PegKind::kPegOut) op.bitcoin_address = "bcrt1qexample";
  return op;
}

// The documented machine, edge by edge (header of peg_operation.h).
std::set<std::pair<S, S>> edges(PegKind kind) {
  std::set<std::pair<S, S>> e;
  const S all[] = {S::kInitiated,         S::kWaitingConfirmations, S::kGovernanceApproval,
                   S::kFederationValidation, S::kReadyForExecution, S::kExecuting,
                   S::kCompleted,          S::kFailed,               S::kCancelled};
  for (S from : all) {
    if (is_final(from)) continue;
    e.insert({from, S::kFailed});
    e.insert({from, S::kCancelled});
  }
  if (kind == PegKind::kPegIn) {
    e.insert({S::kInitiated, S::kWaitingConfirmations});
    e.insert({S::kInitiated, S::kGovernanceApproval});
    e.insert({S::kGovernanceApproval, S::kWaitingConfirmations});
    e.insert({S::kWaitingConfirmations, S::kReadyForExecution});
    e.insert({S::kReadyForExecution, S::kExecuting});
    e.insert({S::kExecuting, S::kCompleted});
    e.insert({S::kExecuting, S::kReadyForExecution});
    e.insert({S::kReadyForExecution, S::kWaitingConfirmations});
    e.insert({S::kExecuting, S::kWaitingConfirmations});
    e.insert({S::kCompleted, S::kFailed});
  } else {
    e.insert({S::kInitiated, S::kFederationValidation});
    e.insert({S::kInitiated, S::kGovernanceApproval});
    e.insert({S::kGovernanceApproval, S::kFederationValidation});
    e.insert({S::kFederationValidation, S::kReadyForExecution});
    e.insert({S::kReadyForExecution, S::kExecuting});
    e.insert({S::kExecuting, S::kWaitingConfirmations});
    e.insert({S::kExecuting, S::kExecuting});
    e.insert({S::kWaitingConfirmations, S::kCompleted});
    e.insert({S::kWaitingConfirmations, S::kExecuting});
  }
  return e;
}

TEST(PegOperation, TheMachineIsExactlyTheDocumentedOne) {
  for (PegKind kind : {PegKind::kPegIn, PegKind::kPegOut}) {
    const auto allowed = edges(kind);
    for (std::uint8_t f = 1; f <= kPegStateCount; ++f) {
      for (std::uint8_t t = 1; t <= kPegStateCount; ++t) {
        const S from = static_cast<S>(f);
        const S to = static_cast<S>(t);
        EXPECT_EQ(transition_allowed(kind, from, to), allowed.count({from, to}) == 1)
            << peg_kind_name(kind) << " " << peg_state_name(from) << " -> " << peg_state_name(to);
      }
    }
  }
}

TEST(PegOperation, TransitionPathsAreShortestAndAvoidFinalDetours) {
  using V = std::vector<S>;
  EXPECT_EQ(transition_path(PegKind::kPegIn, S::kInitiated, S::kCompleted),
            (V{S::kWaitingConfirmations, S::kReadyForExecution, S::kExecuting, S::kCompleted}));
  EXPECT_EQ(transition_path(PegKind::kPegIn, S::kExecuting, S::kWaitingConfirmations),
            (V{S::kWaitingConfirmations}));
  EXPECT_EQ(transition_path(PegKind::kPegIn, S::kWaitingConfirmations, S::kFailed),
            (V{S::kFailed}));
  EXPECT_EQ(transition_path(PegKind::kPegIn, S::kCompleted, S::kCompleted), V{});
  EXPECT_EQ(transition_path(PegKind::kPegIn, S::kCompleted, S::kWaitingConfirmations),
            std::nullopt);
  EXPECT_EQ(transition_path(PegKind::kPegOut, S::kInitiated, S::kCompleted),
            (V{S::kFederationValidation, S::kReadyForExecution, S::kExecuting,
               S::kWaitingConfirmations, S::kCompleted}));
  // Every path found is made of allowed steps.
  for (PegKind kind : {PegKind::kPegIn, PegKind::kPegOut}) {
    for (std::uint8_t f = 1; f <= kPegStateCount; ++f) {
      for (std::uint8_t t = 1; t <= kPegStateCount; ++t) {
        const auto p = transition_path(kind, static_cast<S>(f), static_cast<S>(t));
        if (!p) continue;
        S at = static_cast<S>(f);
        for (S next : *p) {
          EXPECT_TRUE(transition_allowed(kind, at, next));
          at = next;
        }
        EXPECT_EQ(at, static_cast<S>(t));
      }
    }
  }
}

TEST(PegOperation, APegOutWalksItsHappyPathAndRecordsHistory) {
  PegOperationBook book;
  ASSERT_TRUE(book.open(op_of(1, PegKind::kPegOut), 100).is_ok());
  const Hash256 id = id_of(1);
  for (S to : {S::kFederationValidation, S::kReadyForExecution, S::kExecuting,
               S::kWaitingConfirmations, S::kExecuting, S::kWaitingConfirmations,
               S::kCompleted}) {
    ASSERT_TRUE(book.move(id, to, 200, "step").is_ok()) << peg_state_name(to);
  }
  const PegOperation* op = book.find(id);
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->state, S::kCompleted);
  EXPECT_EQ(op->history.size(), 8u);
  EXPECT_EQ(op->history.front().note, "opened");
  // Final: nothing moves it any more, and the refusal names both states.
  const Status s = book.move(id, S::kExecuting, 300, "late");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("Completed -> Executing"), std::string::npos);
  EXPECT_EQ(book.find(id)->history.size(), 8u);
  EXPECT_EQ(book.move(id_of(9), S::kFailed, 1, "").code(), StatusCode::kNotFound);
}

TEST(PegOperation, APegOutRecordsItsPaymentUntilFinal) {
  PegOperationBook book;
  ASSERT_TRUE(book.open(op_of(6, PegKind::kPegOut), 1).is_ok());
  ASSERT_TRUE(book.open(op_of(7, PegKind::kPegIn), 1).is_ok());
  const Hash256 payment = id_of(60);
  ASSERT_TRUE(book.set_payment(id_of(6), payment).is_ok());
  EXPECT_EQ(book.find(id_of(6))->bitcoin_txid, std::optional<Hash256>(payment));
  EXPECT_EQ(book.set_payment(id_of(7), payment).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(book.set_payment(id_of(8), payment).code(), StatusCode::kNotFound);
  ASSERT_TRUE(book.move(id_of(6), S::kCancelled, 2, "").is_ok());
  EXPECT_EQ(book.set_payment(id_of(6), id_of(61)).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(book.find(id_of(6))->bitcoin_txid, std::optional<Hash256>(payment));
  // Persisted with the operation.
  auto back = PegOperationBook::decode(book.encode());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, book);
}

TEST(PegOperation, APegInMintedThenReorgedOutFails) {
  PegOperationBook book;
  ASSERT_TRUE(book.open(op_of(2, PegKind::kPegIn), 1).is_ok());
  for (S to : {S::kWaitingConfirmations, S::kReadyForExecution, S::kExecuting,
               S::kReadyForExecution, S::kExecuting, S::kCompleted, S::kFailed}) {
    ASSERT_TRUE(book.move(id_of(2), to, 2, "").is_ok()) << peg_state_name(to);
  }
  EXPECT_EQ(book.find(id_of(2))->state, S::kFailed);
  EXPECT_EQ(book.open(op_of(2, PegKind::kPegIn), 3).code(), StatusCode::kFailedPrecondition);
}

TEST(PegOperation, HistoryIsBoundedAndKeepsItsCreation) {
  PegOperationBook book;
  ASSERT_TRUE(book.open(op_of(3, PegKind::kPegOut), 0).is_ok());
  ASSERT_TRUE(book.move(id_of(3), S::kFederationValidation, 1, "").is_ok());
  ASSERT_TRUE(book.move(id_of(3), S::kReadyForExecution, 2, "").is_ok());
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(book.move(id_of(3), S::kExecuting, 3 + i, std::string(500, 'x')).is_ok());
  }
  const PegOperation* op = book.find(id_of(3));
  EXPECT_EQ(op->history.size(), PegOperation::kMaxHistory);
  EXPECT_EQ(op->history.front().to, S::kInitiated);
  EXPECT_EQ(op->history.back().at_unix_ms, 102);
  EXPECT_EQ(op->history.back().note.size(), PegOperation::kMaxNoteChars);
}

TEST(PegOperation, AFullBookForgetsTheOldestFinalOperationOrRefuses) {
  PegOperationBook book(3);
  for (std::uint8_t n = 1; n <= 3; ++n) ASSERT_TRUE(book.open(op_of(n, PegKind::kPegIn), n).is_ok());
  EXPECT_EQ(book.open(op_of(4, PegKind::kPegIn), 4).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(book.move(id_of(3), S::kCancelled, 5, "reorged").is_ok());
  ASSERT_TRUE(book.move(id_of(2), S::kCancelled, 6, "reorged").is_ok());
  ASSERT_TRUE(book.open(op_of(4, PegKind::kPegIn), 7).is_ok());
  EXPECT_EQ(book.find(id_of(2)), nullptr);  // opened before 3: forgotten first
  EXPECT_NE(book.find(id_of(3)), nullptr);
  EXPECT_EQ(book.size(), 3u);
  const auto counts = book.count_by_state(PegKind::kPegIn);
  EXPECT_EQ(counts[static_cast<std::size_t>(S::kInitiated) - 1], 2u);
  EXPECT_EQ(counts[static_cast<std::size_t>(S::kCancelled) - 1], 1u);
  EXPECT_EQ(book.in_state(S::kCancelled).size(), 1u);
}

TEST(PegOperation, DecodeRefusesEveryStrictPrefixAndInconsistentState) {
  PegOperationBook book;
  ASSERT_TRUE(book.open(op_of(5, PegKind::kPegOut), 1).is_ok());
  ASSERT_TRUE(book.move(id_of(5), S::kFederationValidation, 2, "proposed").is_ok());
  PegOperation with_txid = op_of(6, PegKind::kPegOut);
  with_txid.bitcoin_txid = id_of(66);
  ASSERT_TRUE(book.open(with_txid, 3).is_ok());
  const Bytes enc = book.encode();
  const auto back = PegOperationBook::decode(enc);
  ASSERT_TRUE(back.has_value()) << back.error().message();
  EXPECT_EQ(*back, book);
  for (std::size_t n = 0; n < enc.size(); ++n) {
    const auto r = PegOperationBook::decode(ByteView(enc).first(n));
    ASSERT_FALSE(r.has_value()) << n;
    EXPECT_TRUE(r.error().message().starts_with("peg operations")) << r.error().message();
  }
  Bytes bad_state = enc;
  bad_state[1 + 1 + 32 + 1] = static_cast<std::uint8_t>(S::kCompleted);  // op 0's state byte
  const auto r = PegOperationBook::decode(bad_state);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("last history entry"), std::string::npos);
}

// Random walks over the machine: refused moves change nothing, accepted ones follow the
// table, and the encoding always decodes to an equal book.
RC_GTEST_PROP(PegOperationProperty, RandomWalksStayOnTheMachineAndRoundTrip, ()) {
  PegOperationBook book(8);
  const auto steps = *rc::gen::inRange(1, 80);
  for (int i = 0; i < steps; ++i) {
    const auto n = *rc::gen::inRange<std::uint8_t>(0, 10);
    if (book.find(id_of(n)) == nullptr) {
      const PegKind kind = *rc::gen::element(PegKind::kPegIn, PegKind::kPegOut);
      (void)book.open(op_of(n, kind), i);
      continue;
    }
    const PegOperation before = *book.find(id_of(n));
    const auto to = static_cast<S>(*rc::gen::inRange<int>(1, kPegStateCount + 1));
    const Status s = book.move(id_of(n), to, i, "walk");
    RC_ASSERT(s.is_ok() == transition_allowed(before.kind, before.state, to));
    if (!s.is_ok()) RC_ASSERT(*book.find(id_of(n)) == before);
    const auto back = PegOperationBook::decode(book.encode(), 8);
    RC_ASSERT(back.has_value());
    RC_ASSERT(*back == book);
  }
}

}  // namespace
}  // namespace alys::bridge
