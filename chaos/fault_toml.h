// Fault schedules as TOML: the `[[faults]]` tables of a scenario file, and the text a
// shrinker writes back. Printing then parsing gives the same schedule, fault for fault.
//
//   [[faults]]
//   at = "1m30s"
//   kind = "crash"
//   node = 2
//   durability = "lose-unsynced"   # seeded | keep-unsynced | lose-unsynced
//   duration = "20s"               # optional for crash: restarted when it ends
//
// Keys per kind (every fault has `at`, `kind`, and `duration` where the kind takes one,
// chaos/fault.h):
//   crash: node, durability        restart: node            partition: groups = [[0,1],[2,3]]
//   cut / clog: from, to           heal: -                  break: nodes = [a, b]
//   latency: from, to, min, max    loss: from, to, ppm      hostile: duplicate_ppm, reorder_ppm
//   clock-jump: node, delta_ms     clock-drift: node, ppm   corrupt: node, key (or key_hex;
//   disk-full: node                fail-writes: node, count   absent: a stored key at random)
//   bitcoin-reorg: depth, evict_deposit                     bitcoind-outage: node
//   engine-stall: node             actor-panic: node, actor  equivocate / usurp: node
//
// Include only from .cc files (toml++ is a heavy header).
#pragma once

#include <string>

#include "chaos/fault.h"
#include "core/config/toml_reader.h"
#include "core/runtime/status.h"

namespace alys::chaos {

// Reads the faults of an array of tables whose key path is `path` ("faults"). Every error
// goes to `errors` (file:line:col: faults[i].key: why); the faults that read cleanly are
// returned in file order.
Schedule read_faults(config::TomlErrors& errors, const toml::array& faults, const std::string& path);

// The schedule as `[[faults]]` tables, one per fault, in schedule order.
std::string faults_to_toml(const Schedule& schedule);

// Parses a document holding only `[[faults]]` tables (tests, tools).
Result<Schedule> parse_faults_toml(const std::string& text, const std::string& file);

}  // namespace alys::chaos
