#include "node/aux_miner.h"

#include <chrono>

#include <fmt/format.h>

#include "core/bitcoin/auxpow.h"
#include "core/types/hash256.h"
#include "core/types/hex.h"

namespace alys::node {

namespace {

Result<std::uint32_t> parse_bits(const nlohmann::json& work) {
  if (!work.contains("bits") || !work["bits"].is_string()) {
    return Status::corruption("createauxblock: bits: missing or not a string");
  }
  const std::string text = work["bits"].get<std::string>();
  auto bytes = from_hex(text);
  if (!bytes || bytes->size() != 4) {
    return Status::corruption(fmt::format("createauxblock: bits: '{}' is not 8 hex digits", text));
  }
  std::uint32_t v = 0;
  for (std::uint8_t b : *bytes) v = (v << 8) | b;
  return v;
}

}  // namespace

Result<MinedProof> mine_once(JsonRpcClient& node, const EvmAddress& payout,
                             std::uint64_t max_nonce_tries) {
  auto work = node.call("createauxblock", nlohmann::json::array({evm_address_hex(payout)}));
  if (!work) return work.error();
  const nlohmann::json& w = *work;
  if (!w.is_object() || !w.contains("hash") || !w["hash"].is_string()) {
    return Status::corruption("createauxblock: hash: missing or not a string");
  }
  const std::string aux_hex = w["hash"].get<std::string>();
  auto aux_hash = Hash256::from_hex(aux_hex);
  if (!aux_hash) return Status::corruption(fmt::format("createauxblock: hash: '{}' is not a hash", aux_hex));
  if (!w.contains("chainid") || !w["chainid"].is_number_unsigned()) {
    return Status::corruption("createauxblock: chainid: missing or not a number");
  }
  auto bits = parse_bits(w);
  if (!bits) return bits.error();

  AuxPowBuildParams params;
  params.aux_hash = *aux_hash;
  params.chain_id = w["chainid"].get<std::uint32_t>();
  params.bits = *bits;
  params.parent_time = static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(
          std::chrono::system_clock::now().time_since_epoch()).count());
  params.max_nonce_tries = max_nonce_tries;
  auto proof = build_auxpow(params);
  if (!proof) return proof.error();

  auto submitted = node.call("submitauxblock",
                             nlohmann::json::array({aux_hex, to_hex(serialize_auxpow(*proof))}));
  if (!submitted) return submitted.error();
  if (!submitted->is_boolean() || !submitted->get<bool>()) {
    return Status::invalid_argument(fmt::format("submitauxblock: refused: {}", submitted->dump()));
  }
  MinedProof mined;
  mined.aux_hash = aux_hex;
  if (w.contains("height") && w["height"].is_number_unsigned()) mined.height = w["height"].get<std::uint64_t>();
  return mined;
}

AuxMiner::AuxMiner(AuxMinerOptions options) : options_(std::move(options)) {}

AuxMiner::~AuxMiner() { stop(); }

void AuxMiner::start() {
  if (thread_.joinable() || options_.nodes.empty()) return;
  thread_ = std::thread([this] { loop(); });
}

void AuxMiner::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

AuxMinerStats AuxMiner::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

std::string AuxMiner::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

void AuxMiner::loop() {
  std::vector<std::unique_ptr<JsonRpcClient>> clients;
  for (const auto& e : options_.nodes) clients.push_back(std::make_unique<JsonRpcClient>(e));
  std::size_t next = 0;
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    JsonRpcClient& node = *clients[next];
    next = (next + 1) % clients.size();
    auto mined = mine_once(node, options_.payout);
    lock.lock();
    ++stats_.rounds;
    if (mined) {
      ++stats_.accepted;
    } else {
      ++stats_.failed;
      last_error_ = mined.error().message();
    }
    wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
  }
}

}  // namespace alys::node
