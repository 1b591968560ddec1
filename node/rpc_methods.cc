#include "node/rpc_methods.h"

#include <memory>

#include <fmt/format.h>

#include "core/bitcoin/auxpow.h"
#include "core/chain/codec.h"
#include "node/rpc_json.h"

namespace alys::node {

namespace {

using jsonrpc::Error;
using jsonrpc::Reply;


class Methods {
 public:
  Methods(const NodeQueries& node, AdminHooks hooks, Duration timeout)
      : node_(node), hooks_(std::move(hooks)), timeout_(timeout) {}

  Reply status(const json& params) const;
  Reply sync_state(const json& params) const;
  Reply head(const json& params, bool finalized) const;
  Reply block_by_number(const json& params) const;
  Reply block_by_hash(const json& params) const;
  Reply peers(const json& params) const;
  Reply account(const json& params) const;
  Reply send_raw_transaction(const json& params) const;
  Reply peg_operation(const json& params) const;
  Reply bridge_status(const json& params) const;
  Reply create_aux_block(const json& params) const;
  Reply submit_aux_block(const json& params) const;
  Reply set_log_level(const json& params) const;
  Reply reload_config(const json& params) const;

 private:
  Deadline deadline() const { return std::chrono::steady_clock::now() + timeout_; }
  Reply block_reply(Result<std::optional<chain::BlockView>> block) const;

  const NodeQueries& node_;
  AdminHooks hooks_;
  Duration timeout_;
};

Reply Methods::status(const json& params) const {
  if (auto e = expect_params(params, 0)) return *e;
  const Deadline until = deadline();
  auto chain = node_.ask_chain_status();
  auto peers = node_.ask_peers();
  auto sync = node_.ask_sync();
  Result<StatusMessage> s = chain.wait(until);
  if (!s) return rpc_error_of(s.error());
  const NodeFacts& f = node_.facts();
  json out = {
      {"node_id", f.node_id},
      {"authority", f.authority ? json(*f.authority) : json(nullptr)},
      {"chain_id", f.chain_id},
      {"genesis", f.genesis.to_hex()},
      {"head", point_json(s->head_hash, s->head_height)},
      {"finalized", point_json(s->finalized_hash, s->finalized_height)},
      {"peers", nullptr},
      {"syncing", nullptr},
  };
  if (auto p = peers.wait(until)) {
    std::size_t ready = 0;
    for (const net::PeerView& v : *p) ready += v.state == net::PeerState::kReady ? 1 : 0;
    out["peers"] = ready;
  }
  if (auto sp = sync.wait(until)) out["syncing"] = sp->state == sync::SyncState::kSyncing;
  return out;
}

Reply Methods::sync_state(const json& params) const {
  if (auto e = expect_params(params, 0)) return *e;
  auto p = node_.ask_sync().wait(deadline());
  if (!p) return rpc_error_of(p.error());
  return sync_json(*p);
}

Reply Methods::head(const json& params, bool finalized) const {
  if (auto e = expect_params(params, 0)) return *e;
  auto s = node_.ask_chain_status().wait(deadline());
  if (!s) return rpc_error_of(s.error());
  return finalized ? point_json(s->finalized_hash, s->finalized_height)
                   : point_json(s->head_hash, s->head_height);
}

Reply Methods::block_reply(Result<std::optional<chain::BlockView>> block) const {
  if (!block) return rpc_error_of(block.error());
  if (!block->has_value()) return json(nullptr);
  return block_json(**block, *node_.facts().spec);
}

Reply Methods::block_by_number(const json& params) const {
  if (auto e = expect_params(params, 1)) return *e;
  auto height = param_u64(params, 0, "height");
  if (auto* e = error_in(height)) return *e;
  return block_reply(node_.ask_block(std::get<std::uint64_t>(height)).wait(deadline()));
}

Reply Methods::block_by_hash(const json& params) const {
  if (auto e = expect_params(params, 1)) return *e;
  auto hash = param_hash(params, 0, "hash");
  if (auto* e = error_in(hash)) return *e;
  return block_reply(node_.ask_block(std::get<Hash256>(hash)).wait(deadline()));
}

Reply Methods::peers(const json& params) const {
  if (auto e = expect_params(params, 0)) return *e;
  auto p = node_.ask_peers().wait(deadline());
  if (!p) return rpc_error_of(p.error());
  json out = json::array();
  for (const net::PeerView& v : *p) out.push_back(peer_json(v));
  return out;
}

Reply Methods::account(const json& params) const {
  if (auto e = expect_params(params, 1)) return *e;
  auto address = param_address(params, 0, "address");
  if (auto* e = error_in(address)) return *e;
  Result<chain::AccountAtHead> a = flatten(node_.ask_account(std::get<EvmAddress>(address)).wait(deadline()));
  if (!a) {
    // The engine lost that state (it restarted and is being replayed): try again later.
    if (a.error().code() == StatusCode::kNotFound) return Error{jsonrpc::kUnavailable, a.error().message()};
    return rpc_error_of(a.error());
  }
  return json{{"balance", a->account.balance.to_string()},
              {"nonce", a->account.nonce},
              {"head", point_json(a->head.hash, a->head.height)}};
}

Reply Methods::send_raw_transaction(const json& params) const {
  if (auto e = expect_params(params, 1)) return *e;
  Parsed<LedgerTx> parsed = param_ledger_tx(params, 0, "tx");
  if (auto* e = error_in(parsed)) return *e;
  const LedgerTx* tx = &std::get<LedgerTx>(parsed);
  const Deadline until = deadline();
  // A nonce the sender already used can never apply; refuse it here rather than let the
  // mempool hold it until a build drops it, silently to the sender.
  Result<chain::AccountAtHead> sender = flatten(node_.ask_account(account_address(tx->sender_key)).wait(until));
  if (!sender) return rpc_error_of(sender.error());
  if (tx->nonce < sender->account.nonce) {
    return Error{jsonrpc::kRefused,
                 fmt::format("transaction refused: nonce: too low: the sender's next nonce at "
                             "height {} is {}, the transaction has {}",
                             sender->head.height, sender->account.nonce, tx->nonce)};
  }
  // The mempool keeps what this node acknowledged until it applies (chain/mempool.h), so
  // a transfer its sender cannot pay for now must not be acknowledged: anyone could
  // otherwise park unfunded transactions from fresh keys, with nonces ahead, until the
  // pool is full of them and refuses every honest one.
  const std::optional<Wei> cost = tx->value.checked_add(tx->fee);
  if (!cost || sender->account.balance < *cost) {
    return Error{jsonrpc::kRefused,
                 fmt::format("transaction refused: balance: the sender holds {} wei at height {}, "
                             "the transaction moves {} wei and pays a fee of {}",
                             sender->account.balance.to_string(), sender->head.height,
                             tx->value.to_string(), tx->fee.to_string())};
  }
  auto admitted = node_.submit_tx(*tx).wait(until);
  if (!admitted) return rpc_error_of(admitted.error());
  if (!admitted->status.is_ok()) {
    return Error{jsonrpc::kRefused, "transaction refused: " + admitted->status.message()};
  }
  if (hooks_.record_acknowledged) {
    if (Status s = hooks_.record_acknowledged(*tx); !s.is_ok()) return rpc_error_of(s);
  }
  return ledger_tx_hash(*tx).to_hex();
}

Reply Methods::peg_operation(const json& params) const {
  if (auto e = expect_params(params, 1)) return *e;
  auto id = param_hash(params, 0, "id");
  if (auto* e = error_in(id)) return *e;
  auto op = node_.ask_peg_operation(std::get<Hash256>(id)).wait(deadline());
  if (!op) return rpc_error_of(op.error());
  if (!op->has_value()) return json(nullptr);
  return peg_operation_json(**op);
}

Reply Methods::bridge_status(const json& params) const {
  if (auto e = expect_params(params, 0)) return *e;
  auto s = node_.ask_bridge_status().wait(deadline());
  if (!s) return rpc_error_of(s.error());
  return bridge_status_json(*s);
}

Reply Methods::create_aux_block(const json& params) const {
  if (auto e = expect_params(params, 1)) return *e;
  auto address = param_address(params, 0, "address");
  if (auto* e = error_in(address)) return *e;
  Result<chain::AuxWork> work =
      flatten(node_.create_aux_block(std::get<EvmAddress>(address)).wait(deadline()));
  if (!work) return rpc_error_of(work.error());
  return aux_work_json(*work);
}

Reply Methods::submit_aux_block(const json& params) const {
  if (auto e = expect_params(params, 2)) return *e;
  auto hash = param_hash(params, 0, "hash");
  if (auto* e = error_in(hash)) return *e;
  auto auxpow = param_auxpow(params, 1, "auxpow");
  if (auto* e = error_in(auxpow)) return *e;
  auto done = node_.submit_aux_block(std::get<Hash256>(hash), std::move(std::get<AuxPow>(auxpow))).wait(deadline());
  if (!done) return rpc_error_of(done.error());
  if (!done->status.is_ok()) return Error{jsonrpc::kRefused, done->status.message()};
  return true;
}

Reply Methods::set_log_level(const json& params) const {
  if (auto e = expect_params(params, 1)) return *e;
  auto parsed = param_log_level(params, 0, "level");
  if (auto* e = error_in(parsed)) return *e;
  const LogLevel level = std::get<LogLevel>(parsed);
  if (!hooks_.set_log_level) return Error{jsonrpc::kUnavailable, "admin_setLogLevel: not wired on this node"};
  if (Status s = hooks_.set_log_level(level); !s.is_ok()) return rpc_error_of(s);
  return true;
}

Reply Methods::reload_config(const json& params) const {
  if (auto e = expect_params(params, 0)) return *e;
  if (!hooks_.reload) return Error{jsonrpc::kUnavailable, "admin_reloadConfig: not wired on this node"};
  Result<std::string> r = hooks_.reload();
  if (!r) return Error{jsonrpc::kRefused, "reload refused: " + r.error().message()};
  return *r;
}

}  // namespace

jsonrpc::Error rpc_error_of(const Status& status) {
  switch (status.code()) {
    case StatusCode::kTimeout: return Error{jsonrpc::kTimeout, status.message()};
    case StatusCode::kUnavailable: return Error{jsonrpc::kUnavailable, status.message()};
    case StatusCode::kIoError:
    case StatusCode::kCorruption: return Error{jsonrpc::kInternalError, status.message()};
    default: return Error{jsonrpc::kRefused, status.message()};
  }
}

jsonrpc::MethodTable node_methods(const NodeQueries& node, AdminHooks hooks, Duration ask_timeout) {
  auto m = std::make_shared<const Methods>(node, std::move(hooks), ask_timeout);
  auto bind = [m](Reply (Methods::*fn)(const json&) const) {
    return [m, fn](const json& params) { return ((*m).*fn)(params); };
  };
  jsonrpc::MethodTable t;
  // name                                  admin  signature
  t["alys_status"] = {false, "[]", bind(&Methods::status)};
  t["alys_syncState"] = {false, "[]", bind(&Methods::sync_state)};
  t["alys_head"] = {false, "[]", [m](const json& p) { return m->head(p, false); }};
  t["alys_finalized"] = {false, "[]", [m](const json& p) { return m->head(p, true); }};
  t["alys_getBlockByNumber"] = {false, "[height]", bind(&Methods::block_by_number)};
  t["alys_getBlockByHash"] = {false, "[hash]", bind(&Methods::block_by_hash)};
  t["alys_peers"] = {false, "[]", bind(&Methods::peers)};
  t["alys_getAccount"] = {false, "[address]", bind(&Methods::account)};
  t["alys_sendRawTransaction"] = {false, "[tx hex]", bind(&Methods::send_raw_transaction)};
  t["alys_getPegOperation"] = {false, "[id]", bind(&Methods::peg_operation)};
  t["alys_bridgeStatus"] = {false, "[]", bind(&Methods::bridge_status)};
  t["createauxblock"] = {false, "[address]", bind(&Methods::create_aux_block)};
  t["submitauxblock"] = {false, "[hash, auxpow hex]", bind(&Methods::submit_aux_block)};
  t["admin_setLogLevel"] = {true, "[level]", bind(&Methods::set_log_level)};
  t["admin_reloadConfig"] = {true, "[]", bind(&Methods::reload_config)};
  return t;
}

}  // namespace alys::node
