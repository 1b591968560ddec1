#!/usr/bin/env python3
# Writes the libFuzzer seed corpora: core/fuzz/corpus/<target>/<name>, a few valid
# encodings per decoder. Published vectors are the ones core/tests checks against (Bitcoin
# genesis, mainnet segwit/taproot spends, Namecoin block 19200's AuxPoW, Alys's peg-in
# fixture, BIP-173/350 and BIP-340 vectors); the rest is built here with the same wire
# rules (Alys-form AuxPoW, blocks, scripts) or written out (durations, demo frames, and the
# config parsers' text: TOML documents, ALYS_LIMITS strings).
# Only needed to regenerate the committed files (it replaces every corpus/<target>/ dir):
#   python3 core/fuzz/corpus/make_corpus.py
import hashlib
import os
import shutil
import struct

ROOT = os.path.dirname(os.path.abspath(__file__))

# TOML documents for fuzz_toml: every value type, nested and array tables, every string form.
TOML_TABLES = """# a comment
name = "x"
duration = "1h30m"
count = 42
ratio = 0.5
on = true
list = [1, 2, 300]
words = ["a", "b", 'c']
mixed = [1, "a", [2], { k = 3 }]
when = 1979-05-27T07:32:00Z
day = 1979-05-27
inline = { a = 1, b.c = "d" }

[nodes]
authorities = 5
late = [6]

[nodes.deeper]
slot = "2s"

[[faults]]
at = "10m"
kind = "partition"
groups = [[0, 1], [2, 3]]

[[faults]]
at = "20m"
kind = "heal"
"""
TOML_STRINGS = r'''basic = "tab\t quote\" \u00e9 \U0001F600"
literal = 'C:\path'
multi = """
two
lines"""
"quoted key" = 1
a.b.c = -9223372036854775808
hex = 0xff
'''

GENESIS_HEADER = (
    "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27a"
    "c72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c")
GENESIS_COINBASE = (
    "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff"
    "001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e"
    "6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104"
    "678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51e"
    "c112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000")
SEGWIT_P2WPKH = (
    "01000000000101438afdb24e414d54cc4a17a95f3d40be90d23dfeeb07a48e9e782178efddd8890100000000fd"
    "ffffff020db9a60000000000160014b549d227c9edd758288112fe3573c1f85240166880a81201000000001976"
    "a914ae28f233464e6da03c052155119a413d13f3380188ac024730440220200254b765f25126334b8de16ee4ba"
    "df57315c047243942340c16cffd9b11196022074a9476633f093f229456ad904a9d97e26c271fc4f01d0501dec"
    "008e4aae71c2012102c37a3c5b21a5991d3d7b1e203be195be07104a1a19e5c2ed82329a56b431213000000000")
FIRST_TAPROOT_SPEND = (
    "01000000000101d1f1c1f8cdf6759167b90f52c9ad358a369f95284e841d7a2536cef31c0549580100000000fd"
    "ffffff020000000000000000316a2f49206c696b65205363686e6f7272207369677320616e6420492063616e6e"
    "6f74206c69652e204062697462756734329e06010000000000225120a37c3903c8d0db6512e2b40b0dffa05e5a"
    "3ab73603ce8c9c4b7771e5412328f90140a60c383f71bac0ec919b1d7dbc3eb72dd56e7aa99583615564f9f99b"
    "8ae4e837b758773a5b2e4c51348854c8389f008e05029db7f464a5ff2e01d5e6e626174affd30a00")
ALYS_PEGIN_TX = (
    "02000000000101d590828406d3a14f06e41565d1ced296100350c2a04f11f1431f915b240ac48b0100000000fd"
    "ffffff0310270000000000002251209b1e062807d4c8fd92ab26322c8bd9f2a5394e0ae9211fd5c53b35f89e36"
    "55fc0000000000000000166a14f9a9b63f5b7f9336da0ce520c6bec64627027f5b981f042a010000002251209a"
    "6580d80f882470a4d5cb994d057d457e0b5945e10ab4e8c0d64768202fe93b014053d2cf18b07206df067198db"
    "735562f9e6410be180771e29dbaf9cf5499a7ff179fb70405d05fc5c6def8efce3c3715af9a186ed1bc1bcb664"
    "9902b689026a3200000000")
# Marathon pool coinbase with an Alys-style commitment in output 2 (bitcoin_auxpow_test.cc).
MARATHON_COINBASE = (
    "010000000001010000000000000000000000000000000000000000000000000000000000000000ffffffff2f03"
    "bd7e0c04721566652f7a7a616d78632f76649b3c094f135bf4b83108c14ea85f12edd2045a0075000000ffffff"
    "ffffffffff039df4662700000000160014b6f3cfc20084e3b9f0d12b0e6f9da8fcbcf5a2d90000000000000000"
    "266a24aa21a9edb211480d24c30a0d4df77d79618af9f03c2bb0dced634e7b152af2247a9ca99c000000000000"
    "00002cfabe6d6da62edaca27060f885a1935a8f9f4401e65a6c9d936a5a9fb384a0b9fae07a983010000000000"
    "000001200000000000000000000000000000000000000000000000000000000000000000173d850d")
# Namecoin block 19200: 80-byte Namecoin header, then its AuxPoW.
NAMECOIN_19200 = (
    "0101010036909ac07a1673daf65fa7d828882e66c9e89f8546cdd50a9fb10000000000000f5c6549bcd608ab7c4e"
    "ac593e5bd5a73b2d432eb63518708f778fc7dcdfaf888d1a904e69b2001b00000000010000000100000000000000"
    "00000000000000000000000000000000000000000000000000ffffffff35045dee091a014d522cfabe6d6dd8a7c3"
    "e01e1e95bcee015e6fcc7583a2ca60b79e5a3aa0a171eddd344ada903d0100000000000000ffffffff0160a0102a"
    "01000000434104f8bbe97ed2acbc5bba11c68f6f1a0313f918f3d3c0e8475055e351e3bf442f8c8dcee682d2457b"
    "dc5351b70dd9e34026766eba18b06eaee2e102efd1ab634667ac000000000000000000000000000000000000000000"
    "00000000000000000000000000000005050ac4a1a1e1bce0c48e555b1a9f935281968c72d6379b24729ca0425a3f"
    "c3cb433cd348b35ea22806cf21c7b146489aef6989551eb5ad2373ab6121060f30341d648757c0217d43e66c57ea"
    "ed64fc1820ec65d157f33b741965183a5e0c8506ac2602dfe2f547012d1cc75004d48f97aba46bd9930ff285c9f2"
    "76f5bd09f356df19724579d65ec7cb62bf97946dfc6fb0e3b2839b7fdab37cdb60e55122d35b0000000000000000"
    "000100000008be13295c03e67cb70d00dae81ea06e78b9014e5ceb7d9ba504000000000000e0fd42db8ef6d783f0"
    "79d126bea12e2d10c104c0927cd68f954d856f9e8111e59a23904e5dee091a1c655086")
# BIP-340 test vectors 0..2: (public key, signature, message).
BIP340 = [
    ("f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9",
     "e907831f80848d1069a5371b402410364bdf1c5f8307b0084c55f1ce2dca821525f66a4a85ea8b71e482a74f"
     "382d2ce5ebeee8fdb2172f477df4900d310536c0",
     "0000000000000000000000000000000000000000000000000000000000000000"),
    ("dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659",
     "6896bd60eeae296db48a229ff71dfe071bde413e6d43f917dc8dcf8c78de33418906d11ac976abccb20b0912"
     "92bff4ea897efcb639ea871cfa95f6de339e4b0a",
     "243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89"),
    ("dd308afec5777e13121fa72b9cc1b7cc0139715309b086c960e18fd969774eb8",
     "5831aaeed7b44bb74e5eab94ba9d4294c49bcf2a60728d8b4c200f50dd313c1bab745879a5ad954a72c45a91"
     "c3a51d3c7adea98d82f8481e0e1e03674a6f3fb7",
     "7e2d58d8b3bcdf1abadec7829054f90dda9805aab56c77333024b9d0a508b75c"),
]
BIP340_SECRET_1 = "b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef"
G_X = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
G_Y = "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8"
FEDERATION_SPK = "51209b1e062807d4c8fd92ab26322c8bd9f2a5394e0ae9211fd5c53b35f89e3655fc"
EVM_ADDRESS = "f9a9b63f5b7f9336da0ce520c6bec64627027f5b"

BECH32 = ["A12UEL5L", "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
          "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "?1ezyfcl",
          "a1lqfn3a", "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
          "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8"]
ADDRESSES = [
    ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6"),
    ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
     "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"),
    ("BC1SW50QGDZ25J", "6002751e"),
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
     "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"),
    ("bcrt1pnv0qv2q86ny0my4tycezez7e72jnjns2ays3l4w98v6l383k2h7q0lwmyh", FEDERATION_SPK),
]


def h(s):
    return bytes.fromhex(s)


def sha256d(b):
    return hashlib.sha256(hashlib.sha256(b).digest()).digest()


def compact_size(n):
    if n < 0xfd:
        return bytes([n])
    if n <= 0xffff:
        return b"\xfd" + struct.pack("<H", n)
    if n <= 0xffffffff:
        return b"\xfe" + struct.pack("<I", n)
    return b"\xff" + struct.pack("<Q", n)


def var_bytes(b):
    return compact_size(len(b)) + b


def tx(version, inputs, outputs, lock_time=0):
    """inputs: (txid, vout, script_sig, sequence, witness items); outputs: (value, spk)."""
    segwit = any(w for *_, w in inputs)
    out = struct.pack("<i", version) + (b"\x00\x01" if segwit else b"")
    out += compact_size(len(inputs))
    for txid, vout, script, seq, _ in inputs:
        out += txid + struct.pack("<I", vout) + var_bytes(script) + struct.pack("<I", seq)
    out += compact_size(len(outputs))
    for value, spk in outputs:
        out += struct.pack("<q", value) + var_bytes(spk)
    if segwit:
        for *_, w in inputs:
            out += compact_size(len(w)) + b"".join(var_bytes(i) for i in w)
    return out + struct.pack("<I", lock_time)


def legacy_txid(inputs, outputs, version=1, lock_time=0):
    stripped = [(t, v, s, q, []) for t, v, s, q, _ in inputs]
    return sha256d(tx(version, stripped, outputs, lock_time))


def push(data):
    n = len(data)
    if n < 0x4c:
        return bytes([n]) + data
    if n <= 0xff:
        return b"\x4c" + bytes([n]) + data
    if n <= 0xffff:
        return b"\x4d" + struct.pack("<H", n) + data
    return b"\x4e" + struct.pack("<I", n) + data


def header(version, prev, merkle_root, time, bits, nonce):
    return struct.pack("<i", version) + prev + merkle_root + struct.pack("<III", time, bits, nonce)


def mine(version, prev, merkle_root, time, bits):
    target = (bits & 0x7fffff) << (8 * ((bits >> 24) - 3))
    for nonce in range(1 << 20):
        hd = header(version, prev, merkle_root, time, bits, nonce)
        if int.from_bytes(sha256d(hd), "little") <= target:
            return hd
    raise RuntimeError("no nonce")


def branch(hashes, mask):
    return compact_size(len(hashes)) + b"".join(hashes) + struct.pack("<I", mask)


def alys_auxpow(aux_hash, extra_txids, chain_branch=(), merkle_size=1, merkle_nonce=0,
                chain_mask=0):
    """Alys form: the coinbase commits in output 2 (fabe6d6d || root || size || nonce)."""
    commitment = b"\xfa\xbe\x6d\x6d" + aux_hash + struct.pack("<II", merkle_size, merkle_nonce)
    inputs = [(bytes(32), 0xffffffff, b"\x01\x00", 0xffffffff, [])]
    outputs = [(0, b""), (0, b""), (0, commitment)]
    coinbase = tx(1, inputs, outputs)
    level = [sha256d(coinbase)] + list(extra_txids)
    cb_branch, index = [], 0
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        cb_branch.append(level[index ^ 1])
        level = [sha256d(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
        index >>= 1
    parent = mine(1 << 16, bytes(32), level[0], 1700000000, 0x207fffff)
    return (coinbase + sha256d(parent) + branch(cb_branch, 0) +
            branch(list(chain_branch), chain_mask) + parent)


# --- the chain's own wire form (core/chain/codec.h, core/network/frame_codec.h) ---------
WIRE_VERSION = b"\x01"


def wei(v):
    return struct.pack("<QQ", v & (2**64 - 1), v >> 64)


def ledger_tx(kind, key, nonce, to, value, fee, address, sig):
    return (bytes([kind]) + key + struct.pack("<Q", nonce) + to + wei(value) + wei(fee) +
            var_bytes(address) + sig)


def auxpow_header(start, end, bits, chain_id, height, auxpow, fee_recipient):
    presence = b"\x01" + auxpow if auxpow is not None else b"\x00"
    return start + end + struct.pack("<IIQ", bits, chain_id, height) + presence + fee_recipient


def optional(body):
    return b"\x00" if body is None else b"\x01" + body


def pegout_proposal(unsigned_tx, input_values, request_ids):
    return (var_bytes(unsigned_tx) + compact_size(len(input_values)) +
            b"".join(struct.pack("<q", v) for v in input_values) +
            compact_size(len(request_ids)) + b"".join(request_ids))


def consensus_block(parent, height, slot, state_root, txs, pegins, proposal, finalized, header):
    return (parent + struct.pack("<QQ", height, slot) + state_root + compact_size(len(txs)) +
            b"".join(txs) + compact_size(len(pegins)) +
            b"".join(txid + block + to + struct.pack("<q", amount)
                     for txid, block, to, amount in pegins) +
            optional(None if proposal is None else pegout_proposal(*proposal)) +
            compact_size(len(finalized)) + b"".join(var_bytes(t) for t in finalized) +
            optional(header))


def signed_block(block, approvals):
    return (block + compact_size(len(approvals)) +
            b"".join(struct.pack("<I", i) + sig for i, sig in approvals))


def frame(kind, body):
    return WIRE_VERSION + bytes([kind]) + body


def write(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def main():
    for entry in os.listdir(ROOT):
        if os.path.isdir(os.path.join(ROOT, entry)):
            shutil.rmtree(os.path.join(ROOT, entry))

    genesis_hash = sha256d(h(GENESIS_HEADER))
    write("hex", "byte", "00")
    write("hex", "mixed_case", "deadBEEF0123456789abcdefABCDEF")
    write("hex", "genesis_header", GENESIS_HEADER)

    write("hash256", "genesis_raw", genesis_hash)
    write("hash256", "genesis_natural_hex", genesis_hash.hex())
    write("hash256", "genesis_display_hex", genesis_hash[::-1].hex().upper())

    # ByteReader programs: [op count][ops][payload]; op % 11 = kind, op // 11 = parameter.
    ops = bytes([0, 1, 2, 3, 4, 5, 6, 7 + 11 * 5, 8 + 11 * 10, 9, 10 + 11 * 1])
    payload = (b"\x01" + struct.pack("<HIQiq", 2, 3, 4, -5, -6) + b"\xfd\x00\x01" + b"abcde" +
               var_bytes(b"\xab\xcd\xef") + genesis_hash + b"\x02" + b"xy")
    write("byte_reader", "every_kind", bytes([len(ops)]) + ops + payload)
    ops = bytes([6, 6, 6, 6, 10 + 11 * 2])
    payload = b"\xfc" + b"\xfe\x00\x00\x01\x00" + b"\xff" + bytes(8) + b"\xfd\xfc\x00" + b"\x03"
    write("byte_reader", "compact_sizes", bytes([len(ops)]) + ops + payload)
    ops = bytes([4, 6, 9, 2, 8 + 11 * 22, 2])  # a transaction input's shape
    write("byte_reader", "tx_input", bytes([len(ops)]) + ops + h(GENESIS_COINBASE))

    write("transaction", "genesis_coinbase", h(GENESIS_COINBASE))
    write("transaction", "segwit_p2wpkh", h(SEGWIT_P2WPKH))
    write("transaction", "first_taproot_spend", h(FIRST_TAPROOT_SPEND))
    write("transaction", "marathon_coinbase", h(MARATHON_COINBASE))
    write("transaction", "no_inputs_no_outputs", tx(2, [], []))

    write("block_header", "genesis", h(GENESIS_HEADER))
    write("block_header", "namecoin_19200", h(NAMECOIN_19200)[:80])
    write("block_header", "namecoin_19200_parent", h(NAMECOIN_19200)[-80:])

    for name, bits in [("mainnet_limit", 0x1d00ffff), ("regtest_limit", 0x207fffff),
                       ("block_32256", 0x1b0404cb), ("negative", 0x04923456),
                       ("small_exponent", 0x01003456), ("overflow", 0xff123456)]:
        write("compact", name, struct.pack("<I", bits))
    write("compact", "genesis_with_hash", struct.pack("<I", 0x1d00ffff) + genesis_hash)

    coinbase, p2wpkh, taproot = h(GENESIS_COINBASE), h(SEGWIT_P2WPKH), h(FIRST_TAPROOT_SPEND)
    write("block", "genesis", h(GENESIS_HEADER) + b"\x01" + coinbase)
    write("block", "empty", h(GENESIS_HEADER) + b"\x00")
    write("block", "three_txs", h(GENESIS_HEADER) + b"\x03" + coinbase + p2wpkh + taproot)

    aux_hash = h("11223344556677889900aabbccddeeff00112233445566778899aabbccddeeff")
    write("auxpow", "namecoin_19200", h(NAMECOIN_19200)[80:])
    write("auxpow", "alys_single_tx", alys_auxpow(aux_hash, []))
    write("auxpow", "alys_three_txs", alys_auxpow(aux_hash, [b"\x55" * 32, b"\x66" * 32]))
    write("auxpow", "alys_chain_branch",
          alys_auxpow(aux_hash, [b"\x77" * 32], [b"\x88" * 32, b"\x99" * 32], 4, 7, 2))

    for i, s in enumerate(BECH32):
        write("bech32", f"vector_{i}", s)

    for i, (address, spk) in enumerate(ADDRESSES):
        write("address", f"address_{i}", address)
        write("address", f"script_{i}", h(spk))

    pubkeys = [h(pk) for pk, _, _ in BIP340]
    tapscript = push(pubkeys[0]) + b"\xac" + push(pubkeys[1]) + b"\xba" + push(pubkeys[2]) + \
        b"\xba" + b"\x52" + b"\xa2"
    evm = h(EVM_ADDRESS)
    write("script", "p2pkh", h("76a914ae28f233464e6da03c052155119a413d13f3380188ac"))
    write("script", "p2tr_federation", h(FEDERATION_SPK))
    write("script", "federation_2_of_3_tapscript", tapscript)
    write("script", "op_return_raw_evm", b"\x6a" + push(evm))
    write("script", "op_return_text_evm", b"\x6a" + push(b"0x" + EVM_ADDRESS.encode()))
    write("script", "pushdata_1_2_4", push(bytes(80)) + push(bytes(300)) +
          b"\x4e" + struct.pack("<I", 3) + b"abc")

    write("pegin", "alys_fixture", h(ALYS_PEGIN_TX))
    prev = (b"\x42" * 32, 1, b"", 0xfffffffd, [b"\x01" * 64])
    text = b"\x6a" + push(EVM_ADDRESS.upper().encode())
    write("pegin", "text_address_federation_second",
          tx(2, [prev], [(5000, h("0014751e76e8199196d454941c45d1b3a323f1433bd6")), (0, text),
                         (123456, h(FEDERATION_SPK)), (999, h(FEDERATION_SPK))]))
    write("pegin", "legacy_no_op_return", tx(2, [prev[:4] + ([],)], [(7, h(FEDERATION_SPK))]))

    write("keys", "secret_key", h(BIP340_SECRET_1))
    write("keys", "compressed_g", h("02" + G_X))
    write("keys", "uncompressed_g", h("04" + G_X + G_Y))
    for i, (pk, sig, msg) in enumerate(BIP340):
        write("keys", f"bip340_{i}_key_sig_msg", h(pk) + h(sig) + h(msg))

    for i, text in enumerate(["250ms", "10s", "1h2m3.004s", "1.5s", "1500us", "3ns", "42"]):
        write("duration", f"text_{i}", text)

    write("demo_counter", "frame", struct.pack("<Q", 0x0123456789abcdef))

    # The chain's own types: a few small valid encodings each.
    key, sig = h(BIP340[1][0]), h(BIP340[1][1])
    transfer = ledger_tx(1, key, 7, evm, 10**18, 21000 * 10**9, b"", sig)
    pegout = ledger_tx(2, key, 8, bytes(20), 5 * 10**15, 10**12,
                       b"bcrt1pnv0qv2q86ny0my4tycezez7e72jnjns2ays3l4w98v6l383k2h7q0lwmyh", sig)
    write("ledger_tx", "transfer", WIRE_VERSION + transfer)
    write("ledger_tx", "pegout", WIRE_VERSION + pegout)
    write("ledger_tx", "max_amounts", WIRE_VERSION + ledger_tx(1, key, 2**64 - 1, evm, 2**128 - 1,
                                                               2**128 - 1, b"", sig))

    real_auxpow = alys_auxpow(aux_hash, [b"\x55" * 32])
    proposed = auxpow_header(b"\x01" * 32, b"\x02" * 32, 0x207fffff, 0x4d, 12, None, evm)
    mined = auxpow_header(b"\x01" * 32, aux_hash, 0x207fffff, 0x4d, 12, real_auxpow, evm)
    write("auxpow_header", "proposed", WIRE_VERSION + proposed)
    write("auxpow_header", "mined", WIRE_VERSION + mined)

    approvals = [(0, sig), (2, h(BIP340[2][1]))]
    empty = signed_block(consensus_block(bytes(32), 0, 0, bytes(32), [], [], None, [], None), [])
    busy = signed_block(consensus_block(b"\x03" * 32, 5, 1700000000, b"\x04" * 32,
                                        [transfer, pegout],
                                        [(b"\x42" * 32, genesis_hash, b"\x43" * 20, 125000)],
                                        None, [], None), approvals)
    pegout_tx = tx(2, [prev[:4] + ([],)], [(7, h(FEDERATION_SPK))])
    bridged = signed_block(consensus_block(b"\x05" * 32, 6, 1700000002, b"\x06" * 32, [], [],
                                           (pegout_tx, [50000], [b"\x09" * 32]),
                                           [h(ALYS_PEGIN_TX)], mined), approvals[:1])
    write("signed_block", "genesis_like", WIRE_VERSION + empty)
    write("signed_block", "transfers_and_pegin", WIRE_VERSION + busy)
    write("signed_block", "pegouts_and_auxpow", WIRE_VERSION + bridged)

    write("frame", "hello", frame(1, struct.pack("<I", 0x4d) + genesis_hash + key +
                                  struct.pack("<QQ", 1, 2) + sig))
    write("frame", "status", frame(2, genesis_hash + b"\x03" * 32 + struct.pack("<Q", 5) +
                                   genesis_hash + struct.pack("<Q", 0)))
    write("frame", "status_request", frame(3, b""))
    write("frame", "blocks_by_range_request", frame(4, struct.pack("<QQI", 9, 1, 64)))
    write("frame", "blocks_by_range_response", frame(5, struct.pack("<Q", 9) + b"\x02" + empty +
                                                     busy))
    write("frame", "new_block", frame(6, bridged))
    write("frame", "approve_block", frame(7, b"\x03" * 32 + struct.pack("<I", 1) + sig))
    write("frame", "new_tx", frame(8, pegout))
    write("frame", "queue_pow", frame(9, mined))
    write("frame", "ping", frame(10, struct.pack("<Q", 77)))
    write("frame", "goodbye", frame(12, b"\x02"))
    write("frame", "pegout_signatures", frame(13, b"\x07" * 32 + struct.pack("<I", 2) +
                                               compact_size(2) + sig + sig))

    # The config parsers' text (core/config): ALYS_LIMITS / --limit strings, and TOML
    # documents with every kind of value and table the loaders meet.
    for i, text in enumerate(["mempool_max=5000",
                              "mailbox_chain=1024,mailbox_network=2048,tcp_send_queue_bytes_max=65536",
                              "worker_threads=0,verify_threads=256,sync_range_blocks=1,",
                              "mempool_max=0", "no_such_key=1", "engine_timeout_ms=1e3", "seen_cache_max"]):
        write("limit_settings", f"text_{i}", text)
    write("toml", "tables", TOML_TABLES)
    write("toml", "strings", TOML_STRINGS)
    write("toml", "parse_error", "a = 1\nb = [1,\n[c\n")
    # Found by fuzz_toml: a quoted newline split an error in two (core/tests/config_toml_reader_test.cc).
    write("toml", "crash_quoted_newline", 'b="""\n\nfuzz.toml"""')


if __name__ == "__main__":
    main()
