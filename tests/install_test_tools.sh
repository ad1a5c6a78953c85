#!/bin/sh
# Installs what the test suite drives besides Python packages, when missing:
# - Debian's Chromium for the browser tests (Playwright cannot download browsers here);
# - the Nu HTML Checker (npm package vnu-jar, run with Java) into tests/.tools/.
# Needs root (or sudo) for apt-get; Java and npm come from Debian when the machine lacks them.
set -e
cd "$(dirname "$0")"
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_test_tools.sh: apt-get not found; install$missing by hand" >&2
    exit 1
  fi
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
if [ ! -f .tools/node_modules/vnu-jar/build/dist/vnu.jar ]; then
  npm install --silent --no-audit --no-fund --prefix .tools vnu-jar >/dev/null
fi
