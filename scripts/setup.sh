#!/usr/bin/env bash
# Installs the Debian packages alys-dst builds with, if any is missing. Idempotent: with
# everything present it only asks dpkg and returns. Needs root or sudo to install.
# Usage: scripts/setup.sh [release|asan|dist|fuzz]
#   asan and fuzz add Clang and libFuzzer's runtime (the ASan tree and scripts/fuzz.sh use them)
set -euo pipefail

PACKAGES=(
  g++ cmake ninja-build ccache pkg-config git
  libboost-dev libboost-system-dev libboost-filesystem-dev
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev
  libtomlplusplus-dev libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  libcpp-httplib-dev libleveldb-dev libsnappy-dev libsecp256k1-dev libssl-dev libxxhash-dev
  python3 python3-jsonschema
)
if [[ ${1:-} == fuzz || ${1:-} == asan ]]; then
  PACKAGES+=(clang libclang-rt-dev llvm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 2; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
