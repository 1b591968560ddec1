#include "chaos/fault.h"

#include <fmt/format.h>

#include <xxhash.h>

#include "runtime-sim/sim_network.h"
#include "runtime-sim/world.h"

namespace alys::chaos {

namespace {

std::string_view durability_name(sim::CrashDurability d) {
  switch (d) {
    case sim::CrashDurability::kSeeded: return "seeded";
    case sim::CrashDurability::kKeepAll: return "keep-unsynced";
    case sim::CrashDurability::kLoseAll: return "lose-unsynced";
  }
  return "?";
}

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

std::string describe(const Fault& fault) {
  return std::visit(
      Overloaded{
          [](const Crash& f) { return fmt::format("crash n{} ({})", f.node, durability_name(f.durability)); },
          [](const Restart& f) { return fmt::format("restart n{}", f.node); },
          [](const Partition& f) {
            std::string out = "partition";
            for (const auto& g : f.groups) {
              out += " {";
              for (std::size_t i = 0; i < g.size(); ++i) out += fmt::format("{}n{}", i ? " " : "", g[i]);
              out += "}";
            }
            return out;
          },
          [](const CutLink& f) { return fmt::format("cut n{}->n{}", f.from, f.to); },
          [](const Heal&) { return std::string("heal"); },
          [](const Clog& f) {
            return fmt::format("clog n{}->n{} for {}", f.from, f.to, format_duration(f.duration));
          },
          [](const BreakConnection& f) { return fmt::format("break n{}<->n{}", f.a, f.b); },
          [](const ClockJump& f) { return fmt::format("clock-jump n{} by {}ms", f.node, f.delta_ms); },
          [](const ClockDrift& f) { return fmt::format("clock-drift n{} {}ppm", f.node, f.drift_ppm); },
          [](const CorruptKey& f) { return fmt::format("corrupt n{} key '{}'", f.node, f.key); },
          [](const DiskFull& f) { return fmt::format("disk-{} n{}", f.full ? "full" : "ok", f.node); },
      },
      fault);
}

std::string describe(const TimedFault& timed) {
  return fmt::format("at {}: {}", format_duration(timed.at - kTimeZero), describe(timed.fault));
}

void apply_fault(sim::World& world, const Fault& fault) {
  auto& net = world.network();
  std::visit(Overloaded{
                 [&](const Crash& f) { world.crash(f.node, f.durability); },
                 [&](const Restart& f) { world.restart(f.node); },
                 [&](const Partition& f) { net.partition(f.groups); },
                 [&](const CutLink& f) { net.cut(f.from, f.to); },
                 [&](const Heal&) { net.heal(); },
                 [&](const Clog& f) { net.clog(f.from, f.to, f.duration); },
                 [&](const BreakConnection& f) { net.break_connection(f.a, f.b); },
                 [&](const ClockJump& f) { world.clock(f.node).jump(f.delta_ms); },
                 [&](const ClockDrift& f) { world.clock(f.node).set_drift_ppm(f.drift_ppm); },
                 [&](const CorruptKey& f) { world.disk(f.node).corrupt(as_bytes(f.key)); },
                 [&](const DiskFull& f) { world.disk(f.node).set_full(f.full); },
             },
             fault);
}

void schedule_faults(sim::World& world, const Schedule& schedule) {
  for (const TimedFault& timed : schedule) {
    const std::string line = describe(timed.fault);
    const std::uint64_t digest = XXH3_64bits(line.data(), line.size());
    world.schedule_at(timed.at, sim::EventKind::kFault, digest,
                      [&world, fault = timed.fault, line] {
                        world.log_world("fault: " + line);
                        apply_fault(world, fault);
                      });
  }
}

}  // namespace alys::chaos
