#include "scenarios/fault_timeline.h"

#include <algorithm>
#include <numeric>
#include <optional>
#include <string>
#include <variant>

namespace alys::scenarios {
namespace {

std::vector<std::uint32_t> all_nodes(std::size_t nodes) {
  std::vector<std::uint32_t> out(nodes);
  std::iota(out.begin(), out.end(), 0u);
  return out;
}

// When a fault that its own duration does not end is undone by a later one: a crash by the
// node's restart, a partition or a cut by a heal. nullopt: nothing undoes it.
std::optional<Instant> undone_at(const chaos::Schedule& schedule, std::size_t index) {
  const chaos::TimedFault& f = schedule[index];
  for (std::size_t j = index + 1; j < schedule.size(); ++j) {
    const chaos::Fault& later = schedule[j].fault;
    if (const auto* crash = std::get_if<chaos::Crash>(&f.fault)) {
      const auto* restart = std::get_if<chaos::Restart>(&later);
      if (restart != nullptr && restart->node == crash->node) return schedule[j].at;
    } else if (std::holds_alternative<chaos::Partition>(f.fault) ||
               std::holds_alternative<chaos::CutLink>(f.fault)) {
      if (std::holds_alternative<chaos::Heal>(later)) return schedule[j].at;
    }
  }
  return std::nullopt;
}

}  // namespace

void add_fault_timeline(const chaos::Schedule& schedule, std::size_t nodes, Instant end,
                        RunTimeline& timeline) {
  for (std::size_t i = 0; i < schedule.size(); ++i) {
    const chaos::TimedFault& f = schedule[i];
    std::string kind(chaos::kind_name(f.fault));
    std::vector<std::uint32_t> named;
    for (NodeId n : chaos::nodes_of(f.fault)) named.push_back(n);
    const bool network_wide = std::holds_alternative<chaos::Partition>(f.fault) ||
                              std::holds_alternative<chaos::Hostile>(f.fault);
    const chaos::DurationUse use = chaos::duration_use(f.fault);
    if (use == chaos::DurationUse::kNone) {
      timeline.marks.push_back({std::move(kind), std::move(named), to_ns(f.at), chaos::describe(f)});
      continue;
    }
    Instant until = end;
    if (f.duration > Duration::zero()) {
      until = std::min(end, f.at + f.duration);
    } else if (auto undone = undone_at(schedule, i)) {
      until = *undone;
    }
    if (kind == "crash") kind = "down";
    timeline.spans.push_back({std::move(kind), network_wide ? all_nodes(nodes) : std::move(named),
                              to_ns(f.at), to_ns(std::max(until, f.at)), chaos::describe(f)});
  }
}

}  // namespace alys::scenarios
