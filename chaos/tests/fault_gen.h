// RapidCheck generators of faults and schedules for a world of `nodes` nodes: every kind,
// valid for validate_schedule (durations as the kind needs, distinct partition members).
#pragma once

#include <rapidcheck.h>

#include <algorithm>
#include <numeric>

#include "chaos/fault.h"

namespace alys::chaos::testing {

inline rc::Gen<NodeId> gen_node(std::size_t nodes) {
  return rc::gen::cast<NodeId>(rc::gen::inRange<std::uint32_t>(0, static_cast<std::uint32_t>(nodes)));
}

inline rc::Gen<Duration> gen_duration(Duration lo, Duration hi) {
  return rc::gen::map(rc::gen::inRange<std::int64_t>(lo.count(), hi.count() + 1),
                      [](std::int64_t ns) { return Duration(ns); });
}

// Whole milliseconds, as a scenario author writes them (and format_duration prints).
inline rc::Gen<Duration> gen_ms(std::int64_t lo_ms, std::int64_t hi_ms) {
  return rc::gen::map(rc::gen::inRange<std::int64_t>(lo_ms, hi_ms + 1),
                      [](std::int64_t ms) { return Duration(ms * 1'000'000); });
}

inline rc::Gen<Fault> gen_fault(std::size_t nodes) {
  const auto node = gen_node(nodes);
  const auto ppm = rc::gen::inRange<std::uint32_t>(0, 1'000'001);
  return rc::gen::oneOf(
      rc::gen::map(rc::gen::pair(node, rc::gen::element(sim::CrashDurability::kSeeded,
                                                         sim::CrashDurability::kKeepAll,
                                                         sim::CrashDurability::kLoseAll)),
                   [](auto p) { return Fault{Crash{p.first, p.second}}; }),
      rc::gen::map(node, [](NodeId n) { return Fault{Restart{n}}; }),
      rc::gen::map(rc::gen::inRange<std::size_t>(0, nodes + 1),
                   [nodes](std::size_t split) {
                     Partition p;
                     p.groups.resize(2);
                     for (std::size_t i = 0; i < nodes; ++i) p.groups[i < split ? 0 : 1].push_back(static_cast<NodeId>(i));
                     return Fault{p};
                   }),
      rc::gen::map(rc::gen::pair(node, node), [](auto l) { return Fault{CutLink{l.first, l.second}}; }),
      rc::gen::just(Fault{Heal{}}),
      rc::gen::map(rc::gen::pair(node, node), [](auto l) { return Fault{Clog{l.first, l.second}}; }),
      rc::gen::map(rc::gen::pair(node, node), [](auto l) { return Fault{BreakConnection{l.first, l.second}}; }),
      rc::gen::map(rc::gen::tuple(node, node, gen_ms(0, 1000), gen_ms(0, 1000)),
                   [](auto t) {
                     auto [from, to, a, b] = t;
                     return Fault{LatencySpike{from, to, std::min(a, b), std::max(a, b)}};
                   }),
      rc::gen::map(rc::gen::tuple(node, node, ppm),
                   [](auto t) { return Fault{Loss{std::get<0>(t), std::get<1>(t), std::get<2>(t)}}; }),
      rc::gen::map(rc::gen::pair(ppm, ppm), [](auto p) { return Fault{Hostile{p.first, p.second}}; }),
      rc::gen::map(rc::gen::pair(node, rc::gen::inRange<std::int64_t>(-86'400'000, 86'400'001)),
                   [](auto p) { return Fault{ClockJump{p.first, p.second}}; }),
      rc::gen::map(rc::gen::pair(node, rc::gen::inRange<std::int64_t>(-1'000'000, 1'000'001)),
                   [](auto p) { return Fault{ClockDrift{p.first, p.second}}; }),
      rc::gen::map(rc::gen::pair(node, rc::gen::container<std::string>(rc::gen::arbitrary<char>())),
                   [](auto p) { return Fault{CorruptKey{p.first, p.second}}; }),
      rc::gen::map(node, [](NodeId n) { return Fault{DiskFull{n}}; }),
      rc::gen::map(rc::gen::pair(node, rc::gen::inRange<std::uint32_t>(1, 1000)),
                   [](auto p) { return Fault{FailWrites{p.first, p.second}}; }),
      rc::gen::map(rc::gen::pair(rc::gen::inRange<std::uint32_t>(1, 101), rc::gen::arbitrary<bool>()),
                   [](auto p) { return Fault{BitcoinReorg{p.first, p.second}}; }),
      rc::gen::map(node, [](NodeId n) { return Fault{BitcoindOutage{n}}; }),
      rc::gen::map(node, [](NodeId n) { return Fault{EngineStall{n}}; }),
      rc::gen::map(rc::gen::pair(node, rc::gen::elementOf(panickable_actors())),
                   [](auto p) { return Fault{ActorPanic{p.first, p.second}}; }),
      rc::gen::map(node, [](NodeId n) { return Fault{Equivocate{n}}; }),
      rc::gen::map(node, [](NodeId n) { return Fault{Usurp{n}}; }));
}

inline rc::Gen<TimedFault> gen_timed_fault(std::size_t nodes) {
  return rc::gen::map(rc::gen::tuple(gen_ms(0, 3'600'000), gen_fault(nodes), gen_ms(1, 600'000)),
                      [](auto t) {
                        auto [at, fault, length] = t;
                        const Duration d = duration_use(fault) == DurationUse::kNone ? Duration::zero() : length;
                        return TimedFault{kTimeZero + at, std::move(fault), d};
                      });
}

inline rc::Gen<Schedule> gen_schedule(std::size_t nodes) {
  return rc::gen::map(rc::gen::container<Schedule>(gen_timed_fault(nodes)), [](Schedule s) {
    sort_schedule(s);
    return s;
  });
}

}  // namespace alys::chaos::testing
