#!/usr/bin/env bash
# Installs the system packages TinyTorch needs on a fresh Debian machine (idempotent):
# libclang-dev for the in-process checks of generated C. Swift 6.3 must already be installed.
set -euo pipefail
if [ ! -e /usr/lib/llvm-14/include/clang-c/Index.h ]; then
  echo "==> installing libclang-dev"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libclang-dev >/dev/null
fi
