#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the default chaos sweep — every
# scenario of the library (scenarios/*.toml) for seeds 1..20 (ALYS_SEEDS to change it),
# over all cores — then checks determinism on a few seeds of each. The report goes to
# report/ (docs/reports/README.md): index.html (the sweep report: open it in a browser),
# results.json, junit.xml, summary.md (for a CI job summary), and summary.txt (what this
# script printed). Nothing is opened; the last line says where the report is.
# Exit 0 when every run passed and every seed replayed the same, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh release alys-sim
sim=build/release/harness/alys-sim
mkdir -p report
status=0
"$sim" sweep scenarios/ --seeds "${ALYS_SEEDS:-1..20}" --report report \
  | tee report/summary.txt || status=1
"$sim" check-determinism scenarios/ --seeds "${ALYS_DETERMINISM_SEEDS:-1..3}" --quiet \
  | tee -a report/summary.txt || status=1
echo "report: $(pwd)/report/index.html (and results.json, junit.xml, summary.md, summary.txt)"
echo "a failing seed's own report: $sim run SCENARIO --seed S --report DIR"
exit $status
