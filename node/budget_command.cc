#include "node/budget_command.h"

#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include "core/config/node_limits.h"
#include "core/runtime/transport.h"
#include "node/memory_budget.h"

namespace alys::node {

int budget_command(const BudgetOptions& o) {
  std::optional<config::Profile> profile;
  if (!o.profile.empty()) {
    profile = config::profile_named(o.profile);
    if (!profile) {
      std::cerr << fmt::format("alys-node budget: --profile: '{}' is not one of {}\n", o.profile,
                               config::profile_names());
      return 2;
    }
  }
  config::LimitSettings settings;
  for (const std::string& text : o.limits) {
    if (Status s = config::parse_limit_settings(text, settings); !s.is_ok()) {
      std::cerr << "alys-node budget: --limit: " << s.message() << "\n";
      return 2;
    }
  }
  if (o.frame_bytes > Transport::kMaxFrameBytes) {
    std::cerr << fmt::format("alys-node budget: --frame-bytes: must be at most {}\n",
                             Transport::kMaxFrameBytes);
    return 2;
  }
  const config::NodeLimits limits = config::resolve_limits(profile, settings);
  const std::uint64_t peers =
      o.peers > 0 ? o.peers : static_cast<std::uint64_t>(limits.tcp_connections_max);
  const ItemBounds items =
      o.frame_bytes > 0 ? ItemBounds::for_frames_up_to(o.frame_bytes) : ItemBounds::worst_case();
  const MemoryBudget budget =
      memory_budget(limits, static_cast<std::size_t>(peers), items, /*bridge=*/!o.no_bridge);
  std::cout << fmt::format(
                   "memory budget: profile {}, {} connections (of tcp_connections_max {}), items {}{}\n",
                   profile ? config::profile_name(*profile) : "none",
                   std::min<std::uint64_t>(peers, static_cast<std::uint64_t>(limits.tcp_connections_max)),
                   limits.tcp_connections_max,
                   o.frame_bytes > 0 ? fmt::format("from frames of at most {} bytes", o.frame_bytes)
                                 : std::string("at the codec's caps (worst case)"),
                   o.no_bridge ? ", no bridge" : "")
            << budget.to_string();
  return 0;
}

}  // namespace alys::node
