#!/usr/bin/env bash
# The soak sweep (issue 10, docs/soak.md): every scenario of the library for enough seeds to
# make ~20,000 runs (ALYS_SOAK_RUNS to change it), over all cores, with the full report in
# report-soak/ (index.html, results.json, junit.xml, summary.md). Every failure is listed
# with the one command that replays it (in the printed summary and in the report).
#   scripts/soak.sh                      # ~20,000 runs: hours on 2 cores
#   ALYS_SOAK_RUNS=2000 scripts/soak.sh  # a shorter one
#   scripts/soak.sh --shard 3/8          # one machine's share (merge the shards' results.json)
# Exit 0: every run passed; 1: a run failed or crashed; 2: bad input.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh release alys-sim
sim=build/release/harness/alys-sim
scenarios=$(ls scenarios/*.toml | wc -l)
runs=${ALYS_SOAK_RUNS:-20000}
seeds=$(((runs + scenarios - 1) / scenarios))
out=${ALYS_SOAK_REPORT:-report-soak}
echo "soak: $scenarios scenarios x seeds 1..$seeds = $((scenarios * seeds)) runs, report in $out/"
start=$(date +%s)
status=0
"$sim" sweep scenarios/ --seeds "1..$seeds" --report "$out" "$@" | tee "$out.txt" || status=$?
echo "soak: $(( $(date +%s) - start )) s wall; summary in $out.txt, report $out/index.html"
exit $status
