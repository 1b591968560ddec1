// The federation's peg wallet: an m-of-n taproot script-path multisig, as Alys builds it
// (crates/federation/src/bitcoin_signing.rs, Federation::new).
//
//  internal key   BIP-341's NUMS point lift_x(0x50929b74…803ac0): no key-path spend
//  script (leaf)  <k1> OP_CHECKSIG <k2> OP_CHECKSIGADD … <kn> OP_CHECKSIGADD <m>
//                 OP_GREATERTHANOREQUAL, keys x-only in federation order, <m> pushed like
//                 rust-bitcoin's push_int; the tree is this single tapscript leaf
//  sighash        BIP-341 script path, SIGHASH_DEFAULT (64-byte signatures)
//  witness        one slot per key in *reverse* key order (empty if that member did not
//                 sign), then the script, then the control block
//
// Alys checks a signed input by requiring exactly n + 2 witness items, exactly m non-empty
// signatures, each valid for its key, and the script/control block tail; check_input()
// does the same. Errors name the input, item and reason.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/bitcoin/address.h"
#include "core/bitcoin/transaction.h"
#include "core/crypto/keys.h"
#include "core/crypto/schnorr.h"
#include "core/crypto/taproot.h"
#include "core/runtime/status.h"

namespace alys {

inline constexpr char kNumsInternalKeyHex[] =
    "50929b74c1a04954b78b4b6035e97a5e078a5a0f28ec96d547bfee9ace803ac0";
// A limit on federation size (well inside tapscript's 1000-element stack limit).
inline constexpr std::size_t kFederationMembersMax = 100;

class Federation {
 public:
  // Errors: no members, more than kFederationMembersMax, duplicate keys, threshold 0 or
  // greater than the member count.
  static Result<Federation> create(std::vector<XOnlyPublicKey> members, std::size_t threshold);
  // Alys's threshold: a simple majority, n / 2 + 1.
  static std::size_t majority(std::size_t members) { return members / 2 + 1; }

  const std::vector<XOnlyPublicKey>& members() const { return members_; }
  std::size_t threshold() const { return threshold_; }
  const Bytes& script() const { return script_; }
  const Hash256& leaf_hash() const { return leaf_hash_; }
  const XOnlyPublicKey& internal_key() const { return internal_key_; }
  const TaprootOutputKey& output_key() const { return output_key_; }
  Bytes script_pubkey() const;
  Result<std::string> address(BitcoinNetwork network) const;
  const Bytes& control_block() const { return control_block_; }

  // What every member signs for input `input_index` of a spend of federation outputs.
  // `spent_outputs` are the outputs being spent, one per input, in input order.
  Result<Hash256> sighash(const Transaction& tx, std::size_t input_index,
                          std::span<const TxOut> spent_outputs) const;

  // The witness for one input from per-member signatures (member order; nullopt for members
  // who did not sign). Errors: wrong slot count, or not exactly threshold() signatures.
  Result<std::vector<Bytes>> assemble_witness(
      std::span<const std::optional<SchnorrSignature>> signatures_by_member) const;

  // Ok iff input `input_index`'s witness is a valid federation spend (see above).
  Status check_input(const Transaction& tx, std::size_t input_index,
                     std::span<const TxOut> spent_outputs) const;

 private:
  Federation(std::vector<XOnlyPublicKey> members, std::size_t threshold, XOnlyPublicKey internal,
             Bytes script, Hash256 leaf_hash, TaprootOutputKey output_key, Bytes control_block)
      : members_(std::move(members)),
        threshold_(threshold),
        internal_key_(internal),
        script_(std::move(script)),
        leaf_hash_(leaf_hash),
        output_key_(output_key),
        control_block_(std::move(control_block)) {}

  std::vector<XOnlyPublicKey> members_;
  std::size_t threshold_;
  XOnlyPublicKey internal_key_;
  Bytes script_;
  Hash256 leaf_hash_;
  TaprootOutputKey output_key_;
  Bytes control_block_;
};

}  // namespace alys
