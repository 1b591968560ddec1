// libFuzzer target: parse_node_file (node/node_files.h), the node's TOML config loader
// (node.toml), over the text of a file named "node.toml".
//
// Checks:
// - a rejection names the file and, for each error, a line or a key
//   (fuzz::errors_name_place);
// - an accepted file passes its own rules: the key is set, the id is a node id and no peer
//   is the node itself or listens on port 0, the rpc token is printable without spaces or
//   quotes, the rates and the bridge's values are in their ranges, every [limits] key is a
//   limit key in its range (so limits_of resolves it), and the environment and flag layer
//   with nothing set leaves it valid;
// - node_file_toml of it (what `alys-node init` writes) loads back to the same file.
#include <cstddef>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "core/fuzz/fuzz_util.h"
#include "node/node_files.h"

namespace {

using namespace alys;
using namespace alys::node;

constexpr const char* kFile = "node.toml";

void check_rules(const NodeFile& n) {
  FUZZ_CHECK(n.key.has_value(), "node_file: accepted without a key");
  FUZZ_CHECK(n.id < kNoNode, "node_file: id out of range");
  for (const auto& [id, address] : n.peers) {
    FUZZ_CHECK(id != n.id && id < kNoNode, "node_file: a peer is the node itself");
    FUZZ_CHECK(address.port != 0 && !address.host.empty(), "node_file: a peer without host or port");
  }
  for (char c : n.rpc_token) FUZZ_CHECK(c > ' ' && c < 127 && c != '"' && c != '\\', "node_file: bad rpc_token");
  FUZZ_CHECK(n.rpc_rate_per_sec >= 1 && n.rpc_rate_per_sec <= kMaxRpcRate, "node_file: rpc_rate_per_sec");
  FUZZ_CHECK(n.rpc_burst >= 1 && n.rpc_burst <= kMaxRpcRate, "node_file: rpc_burst");
  FUZZ_CHECK(n.bridge.required_confirmations >= 1 && n.bridge.required_confirmations <= 1000,
             "node_file: bridge.required_confirmations");
  FUZZ_CHECK(n.bridge.poll_interval_ms >= 100 && n.bridge.poll_interval_ms <= 3'600'000,
             "node_file: bridge.poll_interval_ms");
  FUZZ_CHECK(n.bridge.fee_conf_target >= 1 && n.bridge.fee_conf_target <= 1008, "node_file: bridge.fee_conf_target");
  if (n.bitcoin) FUZZ_CHECK(n.bitcoin->rpc.port != 0, "node_file: bitcoin.rpc on port 0");
  for (const auto& [name, value] : n.limits) {
    const config::LimitKey* k = config::limit_key(name);
    FUZZ_CHECK(k != nullptr, "node_file: unknown limit key accepted: " + name);
    FUZZ_CHECK(value >= k->min && value <= k->max, "node_file: limit out of range: " + name);
  }
  const config::NodeLimits limits = limits_of(n);  // asserts every key is known
  for (const config::LimitKey& k : config::limit_keys()) {
    FUZZ_CHECK(limits.*k.field >= k.min && limits.*k.field <= k.max,
               fmt::format("node_file: resolved limit {} out of range", k.name));
  }
  NodeFile layered = n;
  FUZZ_CHECK(apply_overrides(layered, NodeOverrides{}, "flag").is_ok(), "node_file: empty overrides refused");
}

// The fields node_file_toml writes (the rpc rates only with rpc_listen, the bridge only with
// bitcoin), equal in both.
bool same_written(const NodeFile& a, const NodeFile& b) {
  const bool rpc_same = a.rpc_listen == b.rpc_listen && a.rpc_token == b.rpc_token &&
                        (!a.rpc_listen || (a.rpc_rate_per_sec == b.rpc_rate_per_sec &&
                                           a.rpc_burst == b.rpc_burst));
  return a.id == b.id && a.key && b.key && equal_bytes(a.key->view(), b.key->view()) &&
         a.spec_path == b.spec_path && a.data_dir == b.data_dir && a.listen == b.listen &&
         a.peers == b.peers && a.log_level == b.log_level && a.profile == b.profile &&
         a.limits == b.limits && a.bitcoin == b.bitcoin && (!a.bitcoin || a.bridge == b.bridge) && rpc_same;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto file = parse_node_file(fuzz::input_text(data, size), kFile);
  if (!file) {
    FUZZ_CHECK(fuzz::errors_name_place(file.error().message(), kFile),
               "node_file: an error names no line or key: " + file.error().message());
    return 0;
  }
  check_rules(*file);
  const std::string written = node_file_toml(*file);
  auto again = parse_node_file(written, kFile);
  FUZZ_CHECK(again.has_value(), "node_file: node_file_toml's output does not load: " +
                                    (again ? std::string() : again.error().message()) + "\n" + written);
  FUZZ_CHECK(same_written(*file, *again), "node_file: node_file_toml's output loads differently:\n" + written);
  return 0;
}
