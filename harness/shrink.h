// alys-sim shrink: from a failing scenario seed, the smallest scenario that still fails the
// same way.
//
//   shrink SCENARIO --seed S [--plant NAME] [--checker NAME] [--out FILE] [--jobs N]
//          [--max-runs N] [--reseeds K]
//
// 1. Runs it; it must fail. The target is the given checker, else the first that failed.
// 2. Pins the run: the nemesis's schedule for the seed becomes the scenario's fixed faults
//    (chaos off, Buggify pinned to the seed's draw) — the same run, checked by its trace.
// 3. Delta-debugs the faults (harness/ddmin.h) to a 1-minimal set that still fails the
//    target checker, then tries smaller workloads (no transfers, fewer peg-ins and
//    peg-outs), fewer full nodes and a shorter run, keeping each step that still fails,
//    then delta-debugs the faults once more. Candidates run in parallel child processes.
// 3b. Delta-debugs the faults again, a subset counting as failing if it fails under any of
//    `reseeds` consecutive seeds from the current one: with the seed pinned, removing a
//    fault moves every later random draw, so faults that only perturb the run can look
//    essential. The minimal scenario may then replay under another seed; the file's
//    description and the printed replay command name it.
// 4. Writes the minimal scenario (self-contained TOML) and replays it once more to confirm;
//    prints what it removed and the command that replays it.
// Exit 0 when a minimal failing scenario was written, 1 when the run did not fail the
// target at all (nothing to shrink), 2 bad input.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace alys::harness {

struct ShrinkArgs {
  std::string scenario_path;
  std::uint64_t seed = 1;
  std::string plant;
  std::string checker;     // "" = the first failing checker
  std::string out_path;    // "" = <scenario name>-seed-<S>-shrunk.toml in the working folder
  std::size_t jobs = 0;    // 0 = one per core
  std::size_t max_runs = 1500;
  // Seeds the last fault pass may try per candidate (see step 3b); 1 = the seed only.
  std::size_t reseeds = 8;
  bool progress = true;
};

int run_shrink_command(const ShrinkArgs& args, std::ostream& out);

}  // namespace alys::harness
