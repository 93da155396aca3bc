#!/usr/bin/env bash
# Installs the Debian packages v2x needs. Idempotent: when every package is
# already installed it does nothing (no apt-get update, no network).
set -euo pipefail

packages=(
  pkg-config
  libzmq3-dev
  libopenblas-dev
  libpcl-dev
  libeigen3-dev
  pcl-tools
  libpng-dev
  libdnnl-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done" >&2
