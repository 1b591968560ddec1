#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the simulator.
# For now (until the scenario sweep lands, issue 7): the Alys chain under seeded chaos
# (5 authorities + 2 full nodes, miner, transfers, peg-ins and peg-outs over a simulated
# Bitcoin; clock faults included), one demo run,
# then the determinism check over 200 seeds. The JSON run summary goes to report/demo.json.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh release alys-sim
sim=build/release/harness/alys-sim
mkdir -p report
"$sim" chain --seed "${ALYS_SEED:-1}" --duration 40m --tx-rate 10 --pegins 20 --pegouts 10 \
  --chaos --clock-faults
"$sim" demo --seed "${ALYS_SEED:-1}" --nodes 5 --duration 10m --json report/demo.json
"$sim" check-determinism --seeds 1..200 --duration 10m
echo "report: $(pwd)/report/demo.json"
