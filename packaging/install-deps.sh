#!/usr/bin/env bash
# Installs the Debian 12 packages RouteScope builds and tests with (run as root).
set -euo pipefail
packages=(
  build-essential cmake ninja-build ccache pkg-config
  qt6-base-dev qt6-base-dev-tools libqscintilla2-qt6-dev libgl-dev
  libflatbuffers-dev flatbuffers-compiler flatbuffers-compiler-dev node-llhttp libyaml-cpp-dev libdtl-dev
  zlib1g-dev libbrotli-dev libssl-dev rapidjson-dev libluajit-5.1-dev
  desktop-file-utils appstream curl
  clang libclang-rt-14-dev llvm
)
if [ "${1:-}" = "--gui-runtime" ]; then
  packages+=(qt6-qpa-plugins)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
