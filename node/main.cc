// alys-node: the operator's executable (DESIGN.md §8).
//
// The production runtime is being assembled issue by issue: this build offers only what
// works today. `run`, `devnet`, `keygen` and `init` arrive with the node issue; until then
// they are not listed, rather than listed and failing.
#include <iostream>

#include <CLI/CLI.hpp>

#include "runtime-real/os_random.h"
#include "runtime-real/real_clock.h"

int main(int argc, char** argv) {
  CLI::App app{"alys-node: the Alys sidechain node (production runtime).\n"
               "Not yet runnable: the actors and the real transport/storage are still being built."};
  app.set_version_flag("--version", "alys-node 0.1.0");
  auto* clock_cmd = app.add_subcommand("clock", "Print this machine's wall and monotonic clocks and an OS-random draw (runtime self-check)");
  CLI11_PARSE(app, argc, argv);
  if (clock_cmd->parsed()) {
    alys::real::RealClock clock;
    alys::real::OsRandom random;
    std::cout << "unix_ms: " << clock.unix_ms() << "\n"
              << "monotonic_ns: " << alys::to_ns(clock.now()) << "\n"
              << "random: " << random.next() << "\n";
    return 0;
  }
  std::cout << app.help();
  return 0;
}
