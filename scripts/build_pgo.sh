#!/usr/bin/env bash
# Builds alys-sim and alys-bench in build/pgo, compiled with a profile of the simulator
# running the scenario library (GCC profile-guided optimisation) and with link-time
# optimisation: for long sweeps (docs/sweeps/README.md "Speed"). Same source, same runs:
# only the compiler's inlining, layout and branch decisions change, and this script checks
# that every training run replays to the same trace hash with the optimised binary.
# Usage: scripts/build_pgo.sh (or scripts/build.sh pgo). Planted bugs are compiled in, as in
# the release tree, so `sweep --plant` works; tests are not built.
#
#   1. build/pgo-gen: alys-sim instrumented (ALYS_PGO=generate, cmake/Toolchain.cmake).
#   2. Training, only when that binary or the seeds changed since the last training: every
#      scenario of scenarios/ for seeds 1..2 (ALYS_PGO_SEEDS), one `run` per process.
#      Profiles go to build/pgo-profile; each run's trace hash to build/pgo-profile/hashes.
#   3. build/pgo: alys-sim and alys-bench with the profile (ALYS_PGO=use) and LTO. After a
#      new training every object is compiled again.
#   4. The optimised alys-sim runs the training runs again: any trace hash that differs
#      fails the build (exit 1). That would be a compiler bug or undefined behaviour.
# Uses Ninja; ccache 4.7 passes these compiles through uncached (it does not know
# -fprofile-prefix-path), so a full build takes ~9 min on 2 cores. ALYS_BUILD_JOBS sets
# the -j and the training's parallelism, as in build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

gen=build/pgo-gen
use=build/pgo
profile=$root/build/pgo-profile
seeds=${ALYS_PGO_SEEDS:-1..2}
if [[ ! $seeds =~ ^[0-9]+(\.\.[0-9]+)?$ ]]; then
  echo "build_pgo.sh: ALYS_PGO_SEEDS must be S or A..B (got '$seeds')" >&2
  exit 2
fi
jobs=${ALYS_BUILD_JOBS:-$(nproc)}
common=(-DCMAKE_BUILD_TYPE=Release -DALYS_BUILD_TESTS=OFF -DALYS_PLANTED_BUGS=ON
        "-DALYS_PGO_PROFILE_DIR=$profile")

if [[ ! -f $gen/build.ninja ]]; then
  cmake -G Ninja -S . -B "$gen" "${common[@]}" -DALYS_BUILD_BENCH=OFF -DALYS_PGO=generate >/dev/null
fi
cmake --build "$gen" -j "$jobs" --target alys-sim

# The training runs: "scenario-file seed" lines.
runs() {
  local first=${seeds%%..*} last=${seeds##*..}
  for f in scenarios/*.toml; do
    for ((s = first; s <= last; s++)); do echo "$f $s"; done
  done
}
# Prints "file seed trace-hash" for one run of binary $1 (a failed check is fine: the hash
# is what is compared; bad input, exit 2, is not).
hash_of_run() {
  local out rc=0
  out=$("$1" run "$2" --seed "$3") || rc=$?
  if ((rc > 1)); then
    echo "build_pgo.sh: $1 run $2 --seed $3 exited $rc" >&2
    return 1
  fi
  local hash
  hash=$(sed -n 's/^trace hash: //p' <<<"$out")
  if [[ -z $hash ]]; then
    echo "build_pgo.sh: $1 run $2 --seed $3 printed no trace hash" >&2
    return 1
  fi
  echo "$2 $3 $hash"
}
export -f hash_of_run
# Every training run with binary $1, sorted, into file $2.
hashes_of_runs() {
  runs | xargs -P "$jobs" -L 1 bash -c 'hash_of_run "$0" "$1" "$2"' "$1" | sort >"$2"
}

stamp=$profile/trained-binary.sha256
current="$(sha256sum "$gen/harness/alys-sim" | cut -d' ' -f1) seeds $seeds"
if [[ ! -f $stamp || $(cat "$stamp") != "$current" ]]; then
  echo "build_pgo.sh: training on scenarios/ seeds $seeds"
  rm -rf "$profile"
  mkdir -p "$profile"
  hashes_of_runs "$gen/harness/alys-sim" "$profile/hashes"
  echo "$current" >"$stamp"
  retrained=1
fi

if [[ ! -f $use/build.ninja ]]; then
  cmake -G Ninja -S . -B "$use" "${common[@]}" -DALYS_BUILD_BENCH=ON -DALYS_PGO=use >/dev/null
elif [[ ${retrained:-0} == 1 ]]; then
  # Ninja does not see profiles as inputs: compile everything again.
  cmake --build "$use" --target clean >/dev/null
fi
cmake --build "$use" -j "$jobs" --target alys-sim alys-bench

echo "build_pgo.sh: checking that $use/harness/alys-sim replays the training runs"
hashes_of_runs "$use/harness/alys-sim" "$profile/hashes.optimised"
if ! diff "$profile/hashes" "$profile/hashes.optimised"; then
  echo "build_pgo.sh: the optimised alys-sim replays differently from the instrumented one" >&2
  exit 1
fi
echo "build_pgo.sh: $use/harness/alys-sim and $use/harness/alys-bench ready" \
     "($(wc -l <"$profile/hashes") runs replay alike)"
