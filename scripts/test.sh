#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test with ctest.
# Usage: scripts/test.sh [release|asan]   (default release)
set -euo pipefail
cd "$(dirname "$0")/.."

preset=${1:-release}
scripts/setup.sh "$preset"
scripts/build.sh "$preset"
ctest --test-dir "build/$preset" --output-on-failure -j "$(nproc)" --timeout 900
