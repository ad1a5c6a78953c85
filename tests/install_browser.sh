#!/bin/sh
# Installs Debian's Chromium for the browser tests when it is missing (needs root and apt-get).
# Browsers cannot be downloaded by Playwright here, so the tests drive /usr/bin/chromium.
set -e
if [ -x /usr/bin/chromium ]; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install_browser.sh: apt-get not found; install Chromium at /usr/bin/chromium by hand" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
