// The production node's bridge (NodeConfig::Bridge) from its node file's [bitcoin] and
// [bridge] sections and the chain spec (DESIGN.md §4 "Bridge", §8).
//
// The federation is the spec's authorities, in order, with Alys's majority threshold
// (federation_of), exactly as the simulator builds it, so every node of a network watches
// the same peg address. On an authority AlysNode fills the member's index and key into the
// FederationConfig; this only sets what the file says (fee_conf_target). The Bitcoin RPC
// factory makes a BitcoindClient for each (re)start of the bridge and federation actors,
// on the bitcoind of [bitcoin] for the spec's bitcoin_network, answering on the executor of
// the Env the actor passes (the node's): the actors' callbacks only tell() themselves, which
// any thread may do.
// Errors (named): no [bitcoin] section, authorities that form no federation.
#pragma once

#include "core/chain/chain_spec.h"
#include "core/config/node_config.h"
#include "core/runtime/status.h"
#include "node/node_files.h"

namespace alys::node {

Result<NodeConfig::Bridge> bridge_of(const NodeFile& file, const ChainSpec& spec);

}  // namespace alys::node
