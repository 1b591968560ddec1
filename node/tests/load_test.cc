// The load tool's pure parts (issue 10): exact nearest-rank percentiles, the open-loop
// schedule (due times, the read/transfer mix, its count), duration flags, the option
// bounds, the loss count of the final account check, the sender accounts' arithmetic and
// the report's verdict and JSON. The tool against a real devnet: loadtest_process_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/types/hex.h"
#include "node/load/latency_recorder.h"
#include "node/load/load_accounts.h"
#include "node/load/load_accounts_rpc.h"
#include "node/load/load_options.h"
#include "node/load/load_report.h"
#include "node/load/load_schedule.h"

namespace alys::node::load {
namespace {

using namespace std::chrono_literals;

TEST(LatencyRecorder, PercentilesAreNearestRankSamples) {
  LatencyRecorder r;
  EXPECT_EQ(r.summary().p99_ns, 0) << "empty";
  // 1..100 recorded in a shuffled order.
  for (int i = 0; i < 100; ++i) r.record((i * 37) % 100 + 1);
  EXPECT_EQ(r.percentile(500), 50);
  EXPECT_EQ(r.percentile(900), 90);
  EXPECT_EQ(r.percentile(990), 99);
  EXPECT_EQ(r.percentile(1000), 100);
  EXPECT_EQ(r.percentile(1), 1);
  // Three samples: p50 is the second, p99 the third (ceil(3 * 0.99) = 3).
  LatencyRecorder small;
  for (std::int64_t v : {30, 10, 20}) small.record(v);
  const LatencySummary s = small.summary();
  EXPECT_EQ(s.count, 3u);
  EXPECT_EQ(s.p50_ns, 20);
  EXPECT_EQ(s.p90_ns, 30);
  EXPECT_EQ(s.p99_ns, 30);
  EXPECT_EQ(s.max_ns, 30);
}

TEST(LatencyRecorder, MergeKeepsEverySampleAndPercentilesStayOrdered) {
  LatencyRecorder a, b;
  for (int i = 0; i < 1000; ++i) a.record(i * 1000);
  b.record(5'000'000);
  a.merge(b);
  EXPECT_EQ(a.count(), 1001u);
  const LatencySummary s = a.summary();
  EXPECT_LE(s.p50_ns, s.p90_ns);
  EXPECT_LE(s.p90_ns, s.p99_ns);
  EXPECT_LE(s.p99_ns, s.max_ns);
  EXPECT_EQ(s.max_ns, 5'000'000);
  a.record(1);  // recording after a percentile sorts it in: 0, 1, 1000, ...
  EXPECT_EQ(a.percentile(1), 1) << "rank ceil(1002 / 1000) = 2";
  EXPECT_EQ(a.count(), 1002u);
}

TEST(LoadSchedule, DueTimesAreOpenLoopAndCountMatchesTheDuration) {
  EXPECT_EQ(due_offset_ns(0, 100), 0);
  EXPECT_EQ(due_offset_ns(1, 100), 10'000'000);
  EXPECT_EQ(due_offset_ns(1, 3), 333'333'333);
  EXPECT_EQ(scheduled_requests(100, 1'000'000'000), 100u);
  EXPECT_EQ(scheduled_requests(100, 1'000'000'001), 101u);  // request 100 is due at exactly 1 s
  EXPECT_EQ(scheduled_requests(3, 1'000'000'000), 3u);
  EXPECT_EQ(scheduled_requests(7, 0), 0u);
  // Every scheduled request is due before the duration and the next one is not.
  for (std::uint32_t rate : {1u, 3u, 40u, 997u, 100'000u}) {
    const std::int64_t d = 2'500'000'000;
    const std::uint64_t n = scheduled_requests(rate, d);
    ASSERT_GT(n, 0u);
    EXPECT_LT(due_offset_ns(n - 1, rate), d) << rate;
    EXPECT_GE(due_offset_ns(n, rate), d) << rate;
  }
  // A day at the top rate does not overflow.
  EXPECT_EQ(scheduled_requests(kMaxLoadRate, std::int64_t{86'400} * 1'000'000'000), 8'640'000'000u);
}

TEST(LoadSchedule, MixSpreadsTransfersEvenlyAndAlternatesReads) {
  for (std::uint32_t read : {0u, 10u, 50u, 75u, 100u}) {
    std::uint64_t counts[kRequestKinds] = {};
    for (std::uint64_t i = 0; i < 1000; ++i) ++counts[static_cast<std::size_t>(kind_of(i, read))];
    EXPECT_EQ(counts[0], 10 * (100 - read)) << read;
    const std::uint64_t reads = counts[1] + counts[2];
    EXPECT_EQ(reads, 10 * read) << read;
    EXPECT_LE(counts[1] - counts[2], 1u) << read;
    // Any 100 consecutive requests hold 100 - read transfers, give or take one.
    for (std::uint64_t start = 0; start < 900; start += 37) {
      std::uint64_t t = 0;
      for (std::uint64_t i = start; i < start + 100; ++i) t += kind_of(i, read) == RequestKind::kTransfer;
      EXPECT_LE(t > 100 - read ? t - (100 - read) : (100 - read) - t, 1u) << read << " from " << start;
    }
  }
  EXPECT_EQ(method_of(RequestKind::kTransfer), "alys_sendRawTransaction");
  EXPECT_EQ(method_of(RequestKind::kGetAccount), "alys_getAccount");
  EXPECT_EQ(method_of(RequestKind::kHead), "alys_head");
}

TEST(LoadOptions, DurationsParseWithUnitsAndErrorsNameTheFlag) {
  EXPECT_EQ(parse_duration("60s", "--duration").value(), 60s);
  EXPECT_EQ(parse_duration("60", "--duration").value(), 60s);
  EXPECT_EQ(parse_duration("250ms", "--poll").value(), 250ms);
  EXPECT_EQ(parse_duration("2m", "--duration").value(), 120s);
  EXPECT_EQ(parse_duration("1h", "--duration").value(), 3600s);
  for (const char* bad : {"", "s", "5x", "-1s", "1.5s", "99999999999999999999"}) {
    auto d = parse_duration(bad, "--drain-timeout");
    ASSERT_FALSE(d.has_value()) << bad;
    EXPECT_NE(d.error().message().find("--drain-timeout"), std::string::npos) << d.error().message();
  }
  LoadOptions o;
  LoadDurationFlags f;
  f.poll = "50ms";
  f.duration = "3s";
  ASSERT_TRUE(apply_duration_flags(f, o).is_ok());
  EXPECT_EQ(o.poll, 50ms);
  EXPECT_EQ(o.duration, 3s);
  f.send_grace = "soon";
  const Status s = apply_duration_flags(f, o);
  EXPECT_NE(s.message().find("--send-grace"), std::string::npos) << s.message();
}

TEST(LoadOptions, BoundsAreCheckedNamingTheFlag) {
  LoadOptions ok;
  EXPECT_TRUE(check_load_options(ok).is_ok());
  EXPECT_EQ(sender_count(ok), 2 * ok.connections_per_node * 3);
  auto refused = [](LoadOptions o, const char* flag) {
    const Status s = check_load_options(o);
    EXPECT_FALSE(s.is_ok()) << flag;
    EXPECT_NE(s.message().find(flag), std::string::npos) << s.message();
  };
  LoadOptions o;
  o.rate = 0;
  refused(o, "--rate");
  o = {};
  o.rate = kMaxLoadRate + 1;
  refused(o, "--rate");
  o = {};
  o.connections_per_node = kMaxConnectionsPerNode + 1;
  refused(o, "--connections");
  o = {};
  o.senders = 5;  // fewer than the 6 connections: a connection without a sender
  refused(o, "--senders");
  o = {};
  o.read_percent = 101;
  refused(o, "--read-percent");
  o = {};
  o.duration = 0ms;
  refused(o, "--duration");
  o = {};
  o.rpc = {"127.0.0.1:1", "127.0.0.1:2"};
  EXPECT_EQ(node_count(o), 2u);
  EXPECT_TRUE(check_load_options(o).is_ok());
}

TEST(LoadAccounts, AccountsAreDistinctPerSaltAndTransfersRepeatable) {
  Hash256 salt_a, salt_b;
  salt_b.data()[0] = 1;
  const auto a = make_load_accounts(4, salt_a);
  const auto b = make_load_accounts(4, salt_b);
  std::set<EvmAddress> addresses;
  for (const auto* set : {&a, &b}) {
    for (const LoadAccount& acc : *set) {
      addresses.insert(acc.address);
      addresses.insert(acc.recipient);
    }
  }
  EXPECT_EQ(addresses.size(), 16u) << "senders and recipients of two salts never collide";
  // A resend is the same bytes, so it can neither apply twice nor conflict.
  EXPECT_EQ(load_transfer(a[1], 7), load_transfer(a[1], 7));
  EXPECT_NE(load_transfer(a[1], 7), load_transfer(a[1], 8));
  EXPECT_TRUE(verify_ledger_tx_signature(load_transfer(a[2], 3)));
  EXPECT_EQ(load_transfer(a[2], 3).to, a[2].recipient);
  // The recipient's balance after n transfers is the sum of their values.
  Wei sum;
  for (std::uint64_t n = 0; n < 50; ++n) {
    EXPECT_EQ(recipient_balance_after(n), sum) << n;
    sum = *sum.checked_add(load_transfer_value(n));
  }
}

TEST(LoadAccountCheck, LostCountsAcknowledgedNoncesSomeNodeHasNotApplied) {
  // Sender 0: nonces 0..4 acknowledged; every node at 5: nothing lost.
  // Sender 1: 0..2 acknowledged; one node at 2: nonce 2 lost there.
  // Sender 2: 0, 1 and 3 acknowledged (2 was a lost answer that applied); nodes at 4.
  // Sender 3: nothing acknowledged; nodes anywhere.
  const std::vector<std::vector<std::uint64_t>> acked = {{0, 1, 2, 3, 4}, {2, 0, 1}, {0, 1, 3}, {}};
  EXPECT_EQ(count_lost(acked, {{5, 5, 5}, {3, 2, 3}, {4, 4, 4}, {0, 9, 1}}), 1u);
  EXPECT_EQ(count_lost(acked, {{5, 5, 5}, {3, 3, 3}, {4, 4, 4}, {0, 0, 0}}), 0u);
  // A node that applied nothing loses every acknowledged transfer.
  EXPECT_EQ(count_lost(acked, {{0, 5, 5}, {3, 3, 0}, {4, 0, 4}, {0, 0, 0}}), 11u);
  // Sender 2 at 3 on one node: its nonce 3 is lost, nonce 2 (never acknowledged) is not counted.
  EXPECT_EQ(count_lost(acked, {{5, 5, 5}, {3, 3, 3}, {4, 3, 4}, {0, 0, 0}}), 1u);
}

TEST(LoadReport, PassesOnlyWithNothingLostAndNoNodeFailure) {
  LoadReport r;
  r.nodes = 3;
  r.methods[0].sent = 10;
  r.methods[0].ok = 8;
  r.methods[0].refused = 1;
  r.methods[0].errors = 1;
  EXPECT_TRUE(r.passed()) << "refusals and errors are measured, not failures";
  nlohmann::json j = report_json(r);
  EXPECT_EQ(j["transfers"]["acknowledged"], 8);
  EXPECT_EQ(j["lost"], 0);
  EXPECT_EQ(j["passed"], true);
  for (const char* m : {"alys_sendRawTransaction", "alys_getAccount", "alys_head"}) {
    EXPECT_TRUE(j["methods"].contains(m)) << m;
    EXPECT_TRUE(j["methods"][m]["latency_us"].contains("p99")) << m;
  }
  EXPECT_NE(render_report(r).find("lost: 0\n"), std::string::npos);
  LoadReport lost = r;
  lost.accounts.lost = 1;
  EXPECT_FALSE(lost.passed());
  EXPECT_EQ(report_json(lost)["passed"], false);
  EXPECT_NE(render_report(lost).find("FAIL"), std::string::npos);
  LoadReport died = r;
  died.node_failures.push_back("node 1 answered nothing for 10 s");
  EXPECT_FALSE(died.passed());
  LoadReport mismatch = r;
  mismatch.accounts.balance_mismatches = 1;
  EXPECT_FALSE(mismatch.passed());
  LoadReport unreadable = r;
  unreadable.accounts.unreadable = 1;
  EXPECT_FALSE(unreadable.passed());
}

}  // namespace
}  // namespace alys::node::load
