// libFuzzer target: the secp256k1 key and signature decoders (core/crypto/keys.h,
// core/crypto/schnorr.h): SecretKey, XOnlyPublicKey, PublicKey and SchnorrSignature
// ::from_bytes, each on the whole input and (for the 32/64-byte types) on its prefix.
//
// Checks: each accepts only its sizes; 32- and 64-byte types keep the bytes as given;
// PublicKey's compressed form is the input when 33 bytes came in, and parses back to the
// same key either way, with its x-only half a valid XOnlyPublicKey; a secret key's public
// keys are valid and agree (x-only == compressed without the prefix byte); Schnorr
// verification over the decoded key and signature is total.
#include <algorithm>

#include "core/crypto/keys.h"
#include "core/crypto/schnorr.h"
#include "core/fuzz/fuzz_util.h"

namespace {

using namespace alys;

void secret(ByteView in) {
  auto key = SecretKey::from_bytes(in);
  if (!key) return;
  FUZZ_CHECK(in.size() == SecretKey::kSize, "keys: secret key of the wrong size");
  FUZZ_CHECK(equal_bytes(key->view(), in), "keys: secret key bytes changed");
  const XOnlyPublicKey x = key->xonly_public_key();
  const PublicKey p = key->public_key();
  FUZZ_CHECK(p.xonly() == x, "keys: x-only and full public keys disagree");
  FUZZ_CHECK(XOnlyPublicKey::from_bytes(x.view()).has_value(), "keys: derived x-only invalid");
}

void xonly(ByteView in, ByteView rest) {
  auto key = XOnlyPublicKey::from_bytes(in);
  if (!key) return;
  FUZZ_CHECK(in.size() == XOnlyPublicKey::kSize, "keys: x-only key of the wrong size");
  FUZZ_CHECK(equal_bytes(key->view(), in), "keys: x-only key bytes changed");
  const std::size_t sig_size = std::min(rest.size(), SchnorrSignature::kSize);
  auto sig = SchnorrSignature::from_bytes(rest.first(sig_size));
  if (sig) (void)schnorr_verify(*key, rest.subspan(SchnorrSignature::kSize), *sig);
}

void full(ByteView in) {
  auto key = PublicKey::from_bytes(in);
  if (!key) return;
  FUZZ_CHECK(in.size() == 33 || in.size() == 65, "keys: public key of the wrong size");
  if (in.size() == 33) {
    FUZZ_CHECK(equal_bytes(key->view(), in), "keys: compressed key bytes changed");
  }
  auto again = PublicKey::from_bytes(key->view());
  FUZZ_CHECK(again.has_value() && *again == *key, "keys: compressed form does not re-parse");
  FUZZ_CHECK(XOnlyPublicKey::from_bytes(key->xonly().view()).has_value(),
             "keys: x-only half of a public key invalid");
}

void signature(ByteView in) {
  auto sig = SchnorrSignature::from_bytes(in);
  FUZZ_CHECK(sig.has_value() == (in.size() == SchnorrSignature::kSize),
             "keys: signature size rule");
  if (sig) FUZZ_CHECK(equal_bytes(sig->view(), in), "keys: signature bytes changed");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView in = fuzz::input_bytes(data, size);
  secret(in);
  xonly(in, {});
  full(in);
  signature(in);
  if (size >= 32) {
    secret(in.first(32));
    xonly(in.first(32), in.subspan(32));
  }
  if (size >= 64) signature(in.first(64));
  return 0;
}
