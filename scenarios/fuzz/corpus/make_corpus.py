#!/usr/bin/env python3
# Writes the seed corpus of fuzz_scenario (scenarios/fuzz): scenarios/fuzz/corpus/scenario/
# <name>, a handful of scenario files: three of the library's (copied from scenarios/*.toml
# as they are when this runs), one with a fault of every kind and every optional table, the
# empty file (every default), and one with a mistake in most keys.
# Only needed to regenerate the committed files (it replaces corpus/scenario/):
#   python3 scenarios/fuzz/corpus/make_corpus.py
import os
import shutil

ROOT = os.path.dirname(os.path.abspath(__file__))
LIBRARY = os.path.join(ROOT, "..", "..")
FROM_LIBRARY = ["chaos_swarm.toml", "partition_during_pegout.toml", "sync_only_server_leaves.toml"]

EVERY_KIND = '''name = "every-kind"
description = "One fault of each kind, every table."
duration = "30m"
settle = "2m"

[nodes]
authorities = 4
full_nodes = 2
slot = "1s"
late = [5]
late_start = "1m"

[network]
latency_min = "1ms"
latency_max = "20ms"
tail_ppm = 1000
tail_max = "200ms"
loss_ppm = 10

[workload]
tx_rate = 5
accounts = 16
miner_mean = "20s"
max_blocks_without_pow = 100

[bitcoin]
block_mean = "1m"
confirmations = 3
pegins = 4
pegouts = 2
pegout_users = 2
pegout_due_after = "5m"
pegin_window = "10m"
pegout_window_start = "5m"
pegout_window_end = "15m"

[chaos]
enabled = true
kinds = ["crash", "bitcoin-reorg", "usurp"]
swarm = true
buggify = true
buggify_seed_ppm = 500000
start = "30s"
max_down = 1
max_faulty_authorities = 1
mean_gap = "20s"
min_fault = "1s"
max_fault = "30s"
max_clock_jump_ms = 2000
bitcoin_mean_gap = "5m"
max_reorg_depth = 2

[checks]
skip = ["heads-converge", "transfers"]
'''
FAULTS = [
    ('"1m"', "crash", 'node = 1\ndurability = "lose-unsynced"\nduration = "20s"'),
    ('"2m"', "restart", "node = 1"),
    ('"3m"', "partition", 'groups = [[0, 1], [2, 3, 4, 5]]\nduration = "1m"'),
    ('"4m"', "cut", "from = 0\nto = 2"),
    ('"5m"', "heal", ""),
    ('"6m"', "clog", 'from = 2\nto = 3\nduration = "5s"'),
    ('"7m"', "break", "nodes = [3, 4]"),
    ('"8m"', "latency", 'from = 0\nto = 5\nmin = "1s"\nmax = "3s"\nduration = "40s"'),
    ('"9m"', "loss", 'from = 1\nto = 2\nppm = 500000\nduration = "10s"'),
    ('"10m"', "hostile", 'duplicate_ppm = 1000\nreorder_ppm = 2000\nduration = "1m"'),
    ('"11m"', "clock-jump", "node = 2\ndelta_ms = -1500"),
    ('"12m"', "clock-drift", 'node = 3\nppm = -200\nduration = "2m"'),
    ('"13m"', "corrupt", 'node = 4\nkey_hex = "00ff"'),
    ('"13m30s"', "corrupt", 'node = 4\nkey = "chain/head"'),
    ('"14m"', "disk-full", 'node = 4\nduration = "30s"'),
    ('"15m"', "fail-writes", "node = 0\ncount = 3"),
    ('"16m"', "bitcoin-reorg", "depth = 2\nevict_deposit = true"),
    ('"17m"', "bitcoind-outage", 'node = 1\nduration = "1m"'),
    ('"18m"', "engine-stall", 'node = 2\nduration = "10s"'),
    ('"19m"', "actor-panic", 'node = 3\nactor = "federation"'),
    ('"20m"', "equivocate", 'node = 0\nduration = "2m"'),
    ('"21m"', "usurp", 'node = 1\nduration = "30s"'),
]
MISTAKES = '''name = 5
duration = "forever"
settle = "-1s"

[nodes]
authorities = 0
late = [99]

[network]
latency_min = "2s"
latency_max = "1s"

[bitcoin]
pegouts = 3
pegins = 0

[chaos]
kinds = ["meteor", "bitcoin-reorg"]
min_fault = "1m"
max_fault = "1s"

[checks]
skip = ["no-such-checker"]

[[faults]]
at = "1m"
kind = "crash"
node = 64

[[faults]]
at = "2m"
kind = "partition"
groups = [[0, 1], [1, 2]]

[[faults]]
at = "1000h"
kind = "heal"
duration = "1s"

[[faults]]
kind = "actor-panic"
node = 0
actor = "gpu"
'''


def write(name, text):
    d = os.path.join(ROOT, "scenario")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "w") as f:
        f.write(text)


def main():
    shutil.rmtree(os.path.join(ROOT, "scenario"), ignore_errors=True)
    for name in FROM_LIBRARY:
        with open(os.path.join(LIBRARY, name)) as f:
            write(name[:-len(".toml")], f.read())
    faults = "".join(f"\n[[faults]]\nat = {at}\nkind = \"{kind}\"\n{rest}\n" for at, kind, rest in FAULTS)
    write("every_kind", EVERY_KIND + faults)
    write("empty", "")
    write("mistakes", MISTAKES)
    # Found by fuzz_scenario (scenarios/tests/scenario_loader_test.cc): scenario_to_toml
    # wrote a control character raw, and TOML refuses it.
    write("crash_control_character", 'description="\\r"')


if __name__ == "__main__":
    main()
