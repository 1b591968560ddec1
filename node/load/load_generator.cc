#include "node/load/load_generator.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "core/chain/codec.h"
#include "core/runtime/assert.h"
#include "core/types/hex.h"
#include "node/jsonrpc.h"

namespace alys::node::load {

namespace {

using Clock = std::chrono::steady_clock;

// A worker due later than this sleeps in steps of it, so abort() is seen promptly.
constexpr auto kMaxSleepStep = std::chrono::milliseconds(100);

std::int64_t ns_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count();
}

}  // namespace

void MethodStats::note_error(std::string message) {
  if (error_samples.size() < kMaxErrorSamples) error_samples.push_back(std::move(message));
}

void MethodStats::merge(const MethodStats& other) {
  latency.merge(other.latency);
  service.merge(other.service);
  ok += other.ok;
  refused += other.refused;
  rate_limited += other.rate_limited;
  errors += other.errors;
  for (const std::string& e : other.error_samples) note_error(e);
}

// One connection: its node, its senders' nonces, and what it measured. Touched only by its
// thread until finish() joined it.
struct LoadGenerator::Worker {
  struct Sender {
    std::uint32_t index = 0;
    std::uint64_t next_nonce = 0;
    std::optional<LedgerTx> unanswered;  // refused or lost: sent again next
  };
  std::size_t id = 0;
  std::uint32_t node = 0;
  std::vector<Sender> senders;
  std::size_t next_sender = 0;
  GeneratorResult result;
};

LoadGenerator::LoadGenerator(GeneratorOptions options, const std::vector<LoadAccount>& accounts)
    : options_(std::move(options)), accounts_(accounts) {
  ALYS_ASSERT(!options_.nodes.empty() && options_.connections_per_node >= 1, "no load connections");
  const std::size_t count = options_.nodes.size() * options_.connections_per_node;
  ALYS_ASSERT(accounts_.size() >= count, "fewer senders than load connections");
  for (std::size_t c = 0; c < count; ++c) {
    auto w = std::make_unique<Worker>();
    w->id = c;
    w->node = static_cast<std::uint32_t>(c % options_.nodes.size());
    for (std::size_t s = c; s < accounts_.size(); s += count) {
      w->senders.push_back({static_cast<std::uint32_t>(s), 0, std::nullopt});
    }
    workers_.push_back(std::move(w));
  }
}

LoadGenerator::~LoadGenerator() {
  abort();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void LoadGenerator::start(Clock::time_point start) {
  ALYS_ASSERT(threads_.empty(), "LoadGenerator started twice");
  start_ = start;
  for (auto& w : workers_) {
    Worker* worker = w.get();
    threads_.emplace_back([this, worker] {
      run_worker(*worker);
      workers_done_.fetch_add(1);
    });
  }
}

bool LoadGenerator::done() const { return workers_done_.load() == workers_.size(); }

void LoadGenerator::run_worker(Worker& w) {
  JsonRpcClient rpc(options_.nodes[w.node]);
  GeneratorResult& r = w.result;
  const std::uint64_t total = scheduled_requests(options_.rate, options_.duration_ns);
  const std::size_t stride = workers_.size();
  const Clock::time_point hard_stop =
      start_ + std::chrono::nanoseconds(options_.duration_ns) + options_.send_grace;
  r.scheduled = total > w.id ? (total - w.id + stride - 1) / stride : 0;
  for (std::uint64_t i = w.id; i < total; i += stride) {
    const Clock::time_point due = start_ + std::chrono::nanoseconds(due_offset_ns(i, options_.rate));
    const RequestKind kind = kind_of(i, options_.read_percent);
    // Prepared (a transfer signed) before its due time, so the signing is not measured.
    nlohmann::json params = nlohmann::json::array();
    Worker::Sender* sender = nullptr;
    std::optional<LedgerTx> tx;
    if (kind == RequestKind::kTransfer) {
      sender = &w.senders[w.next_sender];
      w.next_sender = (w.next_sender + 1) % w.senders.size();
      tx = sender->unanswered ? *sender->unanswered
                              : load_transfer(accounts_[sender->index], sender->next_nonce++);
      params.push_back(to_hex(encode_ledger_tx(*tx)));
    } else if (kind == RequestKind::kGetAccount) {
      params.push_back(evm_address_hex(accounts_[(i / stride) % accounts_.size()].address));
    }
    while (!abort_.load() && Clock::now() < due) {
      std::this_thread::sleep_until(std::min(due, Clock::now() + kMaxSleepStep));
    }
    const Clock::time_point sent_at = Clock::now();
    if (abort_.load() || sent_at >= hard_stop) break;  // the rest is unsent
    ++r.sent;
    MethodStats& m = r.methods[static_cast<std::size_t>(kind)];
    auto answer = rpc.call(std::string(method_of(kind)), std::move(params));
    const Clock::time_point answered = Clock::now();
    m.latency.record(ns_between(due, answered));
    m.service.record(ns_between(sent_at, answered));
    r.max_send_lag_ns = std::max(r.max_send_lag_ns, ns_between(due, sent_at));
    r.last_answer_ns = std::max(r.last_answer_ns, ns_between(start_, answered));
    if (!answer) {
      const bool json_rpc_error = answer.error().code() == StatusCode::kInvalidArgument && rpc.rpc_error_code();
      if (json_rpc_error) {
        ++m.refused;
        if (*rpc.rpc_error_code() == jsonrpc::kRateLimited) ++m.rate_limited;
      } else {
        ++m.errors;
      }
      m.note_error(answer.error().message());
      if (sender != nullptr) {
        // Refused for a nonce already used: an earlier send whose answer was lost applied.
        const bool applied = json_rpc_error && answer.error().message().find("nonce: too low") != std::string::npos;
        sender->unanswered = applied ? std::nullopt : tx;
      }
      continue;
    }
    if (kind != RequestKind::kTransfer) {
      ++m.ok;
      continue;
    }
    const Hash256 hash = ledger_tx_hash(*tx);
    if (!answer->is_string() || answer->get<std::string>() != hash.to_hex()) {
      ++m.errors;
      m.note_error(fmt::format("alys_sendRawTransaction answered {} for transaction {}", answer->dump(),
                               hash.to_hex()));
      sender->unanswered = tx;
      continue;
    }
    ++m.ok;
    sender->unanswered.reset();
    r.acked.push_back({sender->index, tx->nonce, hash, ns_between(start_, answered), w.node});
  }
  r.unsent = r.scheduled - r.sent;
}

GeneratorResult LoadGenerator::finish() {
  ALYS_ASSERT(!threads_.empty(), "LoadGenerator::finish before start");
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  GeneratorResult out;
  for (auto& w : workers_) {
    GeneratorResult& r = w->result;
    for (std::size_t k = 0; k < kRequestKinds; ++k) out.methods[k].merge(r.methods[k]);
    out.acked.insert(out.acked.end(), r.acked.begin(), r.acked.end());
    out.scheduled += r.scheduled;
    out.sent += r.sent;
    out.unsent += r.unsent;
    out.last_answer_ns = std::max(out.last_answer_ns, r.last_answer_ns);
    out.max_send_lag_ns = std::max(out.max_send_lag_ns, r.max_send_lag_ns);
  }
  return out;
}

}  // namespace alys::node::load
