// Named limits of the chain's wire and consensus objects (TigerStyle: a limit on
// everything). Decoders refuse counts above these before allocating; producers never
// build objects that exceed them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace alys::limits {

// The only wire version this build speaks. Every top-level encoding (network frame,
// stored block, stored transaction) starts with it; a decoder refuses any other value.
inline constexpr std::uint8_t kWireVersion = 1;

inline constexpr std::size_t kMaxAuthorities = 64;
inline constexpr std::size_t kMaxTxsPerBlock = 8192;
inline constexpr std::size_t kMaxPegInsPerBlock = 1024;
inline constexpr std::size_t kMaxFinalizedPegoutsPerBlock = 64;
// Inputs of one peg-out payment (FederationWallet's max_inputs may not exceed it).
inline constexpr std::size_t kMaxPegoutInputs = 200;
inline constexpr std::size_t kMaxApprovals = kMaxAuthorities;
// Alys's BlocksByRange cap.
inline constexpr std::uint32_t kMaxBlocksPerRange = 1024;
// Headers one HeadersByRange answer holds at most (112 bytes each: ~450 KB a frame).
inline constexpr std::uint32_t kMaxHeadersPerRange = 4096;
// Peg-out requests one payment proposal pays (one output each).
inline constexpr std::size_t kMaxPegoutPayments = 64;
// A bech32 address is at most 90 characters (BIP-173).
inline constexpr std::size_t kMaxBitcoinAddressChars = 90;
// A Bitcoin transaction carried inside a block (peg-out proposal or finalized peg-out).
inline constexpr std::size_t kMaxBitcoinTxBytes = 400'000;
// Bitcoin's MAX_MONEY: no amount (a peg-in's, an output's) exceeds 21 million BTC.
inline constexpr std::int64_t kMaxMoneySat = 21'000'000LL * 100'000'000LL;
// Encoded size of one block (all fields, approvals included).
inline constexpr std::size_t kMaxBlockBytes = 4u << 20;
// Blocks a proposer builds above finality, whatever the spec's max_blocks_without_pow
// (Alys: 50,000): the engine keeps one state per unfinalized block, at most
// execution::kMaxEngineStates (4,096); past that every import fails "state table full" and a
// node cannot even reload its own chain. Halting below it, with 64 states left for competing
// blocks, keeps every node able to import and to restart (asserted in chain_actor.cc).
inline constexpr std::uint64_t kMaxUnfinalizedBlocks = 4096 - 64;

}  // namespace alys::limits
