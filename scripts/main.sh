#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the default chaos sweep — every
# scenario of the library (scenarios/*.toml) for seeds 1..20 (ALYS_SEEDS to change it),
# over all cores — then checks determinism on a few seeds of each. The report goes to
# report/: summary.txt, sweep.json (reports/results_json.h) and junit.xml.
# Exit 0 when every run passed and every seed replayed the same, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh release alys-sim
sim=build/release/harness/alys-sim
mkdir -p report
status=0
"$sim" sweep scenarios/ --seeds "${ALYS_SEEDS:-1..20}" --json report/sweep.json \
  --junit report/junit.xml | tee report/summary.txt || status=1
"$sim" check-determinism scenarios/ --seeds "${ALYS_DETERMINISM_SEEDS:-1..3}" --quiet \
  | tee -a report/summary.txt || status=1
echo "report: $(pwd)/report/ (summary.txt, sweep.json, junit.xml)"
exit $status
