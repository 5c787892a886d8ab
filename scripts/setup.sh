#!/usr/bin/env bash
# Installs everything expbook's tests need on a fresh Debian machine: Jupyter and the reference
# Python stack from Debian, Chromium for browser tests, the npm packages, and the tslab kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" = "0" ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    jupyter-notebook jupyter-nbconvert jupyter-client python3-ipykernel \
    python3-sklearn python3-scipy python3-numpy python3-torch python3-faiss python3-threadpoolctl chromium postgresql >/dev/null
fi
npm ci --no-audit --no-fund
PATH="$PWD/node_modules/.bin:$PATH" npx --no-install tslab install --python=/usr/bin/python3 --binary="$PWD/node_modules/.bin/tslab"
