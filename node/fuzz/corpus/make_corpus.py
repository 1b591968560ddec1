#!/usr/bin/env python3
# Writes the seed corpora of the node's libFuzzer targets (node/fuzz): node/fuzz/corpus/
# <target>/<name>, a handful of valid inputs and edge cases each:
#   jsonrpc     request bodies: single calls, batches, notifications, every fake method of
#               fuzz_jsonrpc.cc (a real ledger transaction and AuxPoW, taken from core's
#               seeds), and the standard errors
#   node_file   node.toml files: the smallest, one with every key (what init and an
#               operator write), and a few with mistakes
#   chain_spec  spec.toml files: the smallest, one with every key, and a few with mistakes
# Only needed to regenerate the committed files (it replaces those three dirs):
#   python3 node/fuzz/corpus/make_corpus.py
import json
import os
import shutil

ROOT = os.path.dirname(os.path.abspath(__file__))
CORE_SEEDS = os.path.join(ROOT, "..", "..", "..", "core", "fuzz", "corpus")

# BIP-340 test vectors: a secret key (vector 1) and three x-only public keys (vectors 0..2).
SECRET = "b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef"
PUBKEYS = [
    "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9",
    "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659",
    "dd308afec5777e13121fa72b9cc1b7cc0139715309b086c960e18fd969774eb8",
]
HASH = "11223344556677889900aabbccddeeff00112233445566778899aabbccddeeff"
ADDRESS = "0xf9a9b63f5b7f9336da0ce520c6bec64627027f5b"


def core_seed_hex(target, name):
    with open(os.path.join(CORE_SEEDS, target, name), "rb") as f:
        return f.read().hex()


def write(target, name, text):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "w") as f:
        f.write(text)


def call(method, params=None, id=1):
    c = {"jsonrpc": "2.0", "method": method}
    if id is not None:
        c["id"] = id
    if params is not None:
        c["params"] = params
    return c


def jsonrpc():
    tx = core_seed_hex("ledger_tx", "transfer")
    auxpow = core_seed_hex("auxpow", "alys_single_tx")
    body = lambda j: json.dumps(j, separators=(",", ":"))
    write("jsonrpc", "head", body(call("alys_head", [])))
    write("jsonrpc", "block_by_number", body(call("alys_getBlockByNumber", [42], id="a")))
    write("jsonrpc", "block_by_hash", body(call("alys_getBlockByHash", ["0x" + HASH], id=None)))
    write("jsonrpc", "account", body(call("alys_getAccount", [ADDRESS], id=7.5)))
    write("jsonrpc", "send_raw_transaction", body(call("alys_sendRawTransaction", [tx])))
    write("jsonrpc", "submitauxblock", body(call("submitauxblock", [HASH, auxpow], id=3)))
    write("jsonrpc", "admin_set_log_level", body(call("admin_setLogLevel", ["debug"], id=4)))
    write("jsonrpc", "batch", body([
        call("alys_head", id=1), call("fake_echo", [1, "x", None, {"a": [True]}], id=None),
        call("nope", id="2"), call("fake_throws", [], id=3),
        call("alys_getBlockByNumber", {"height": 1}, id=4), 5, {"jsonrpc": "1.0", "id": [], "method": 1},
    ]))
    write("jsonrpc", "notifications_only", body([call("fake_echo", [], id=None), call("alys_head", id=None)]))
    write("jsonrpc", "batch_of_30", body([call("alys_getBlockByNumber", [i], id=i) for i in range(30)]))
    write("jsonrpc", "bad_params", body(call("alys_getBlockByNumber", [-1, "x"], id=-9223372036854775808)))
    write("jsonrpc", "nested_64", "[" * 63 + "1" + "]" * 63)
    write("jsonrpc", "not_json", '{"jsonrpc":"2.0","id":1,"method":"alys_head",')
    # Found by fuzz_jsonrpc (node/tests/jsonrpc_test.cc): the parser stopped at the NUL, so
    # the call before it ran.
    write("jsonrpc", "crash_nul_after_call", body(call("alys_head", [])) + "\0 v3182233725[[[[")


def node_file():
    write("node_file", "minimal",
          f'id = 0\nkey = "{SECRET}"\nspec = "spec.toml"\ndata_dir = "data"\nlisten = "127.0.0.1:7000"\n')
    write("node_file", "every_key", f'''# Alys node 1: keep this file private (it holds the node's secret key).
id = 1
key = "{SECRET}"
spec = "../spec.toml"
data_dir = "/var/lib/alys/n1"
listen = "0.0.0.0:7001"
log_level = "debug"
profile = "low-latency"
rpc_listen = "127.0.0.1:8546"
rpc_token = "s3cret-token"
rpc_rate_per_sec = 50
rpc_burst = 100

[[peers]]
id = 0
address = "127.0.0.1:7000"

[[peers]]
id = 2
address = "[::1]:7002"

[limits]
mempool_max = 5000
mailbox_chain = 1024
tcp_send_queue_bytes_max = 65536
verify_threads = 0

[bitcoin]
rpc = "127.0.0.1:18443"
user = "alys"
password = "p\\"w\\\\d\\u00e9"
wallet = "federation"

[bridge]
start_height = 100
required_confirmations = 6
poll_interval_ms = 30000
fee_conf_target = 6
''')
    write("node_file", "mistakes", f'''id = 70000
key = "00"
spec = 5
listen = "localhost"
log_level = "loud"
profile = "fast"
rpc_token = "has space"
unknown = true

[[peers]]
id = 70000
address = "127.0.0.1:0"

[limits]
mempool_max = 0
no_such_limit = 1

[bridge]
required_confirmations = 0
''')
    write("node_file", "self_and_twice_peers", f'''id = 3
key = "{SECRET}"
spec = "spec.toml"
data_dir = "data"
listen = "127.0.0.1:0"
peers = [{{ id = 3, address = "a:1" }}, {{ id = 4, address = "b:2" }}, {{ id = 4, address = "c:3" }}, 7]
''')
    # Found by fuzz_node_file's round trip (node/tests/node_files_test.cc): node_file_toml
    # wrote paths and hosts between quotes unescaped, so this file did not load back.
    write("node_file", "crash_quoted_path", f'''id = 0
key = "{SECRET}"
spec = "a\\"b"
data_dir = 'C:\\alys\\n0'
listen = "h\\u0001:1"
''')


def chain_spec():
    write("chain_spec", "minimal", f'chain_id = 1\nslot_ms = 10\nauthorities = ["{PUBKEYS[0]}"]\n')
    keys = ",\n".join(f'  "{k}"' for k in PUBKEYS)
    write("chain_spec", "every_key", f'''# Alys chain spec: every node of this network loads the same file.
chain_id = 212121
slot_ms = 2000
max_blocks_without_pow = 50000
max_txs_per_block = 1000
bitcoin_network = "regtest"
pow_initial_bits = 545259519
pow_no_retargeting = true
authorities = [
{keys},
]

[[allocations]]
address = "{ADDRESS}"
wei = "1000000000000000000000"

[[allocations]]
address = "0x0000000000000000000000000000000000000001"
wei = "340282366920938463463374607431768211455"
''')
    write("chain_spec", "mistakes", f'''chain_id = -1
slot_ms = 1
bitcoin_network = "moon"
pow_initial_bits = 0
authorities = ["{PUBKEYS[0]}", "zz", 3]
allocations = [{{ address = "0x01", wei = "-5" }}, 7]
extra = "x"
''')
    write("chain_spec", "no_authorities", 'chain_id = 1\nslot_ms = 2000\nauthorities = []\n')
    # Found by fuzz_chain_spec (node/tests/node_files_test.cc): accepted, then no AuxPoW
    # could meet the target (911858840 = 0x3659dc98 overflows), or the chain actor's
    # federation assertion stopped the node at start (one key twice, in two cases).
    write("chain_spec", "crash_unusable_pow_bits",
          f'chain_id = 1\nslot_ms = 2000\npow_initial_bits = 911858840\nauthorities = ["{PUBKEYS[0]}"]\n')
    write("chain_spec", "crash_duplicate_authority",
          f'chain_id = 1\nslot_ms = 2000\nauthorities = ["{PUBKEYS[1]}", "{PUBKEYS[1].upper()}"]\n')


def main():
    for target in ("jsonrpc", "node_file", "chain_spec"):
        shutil.rmtree(os.path.join(ROOT, target), ignore_errors=True)
    jsonrpc()
    node_file()
    chain_spec()


if __name__ == "__main__":
    main()
