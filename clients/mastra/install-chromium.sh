#!/bin/sh
# Makes sure Debian's chromium is there for the run viewer's browser test (test/viewer.test.ts): installs it with
# apt-get when it is missing and this runs as root; otherwise says what to do. RUNSTREAM_CHROMIUM names another binary.
browser="${RUNSTREAM_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$browser" ]; then
  exit 0
fi
if ! command -v node >/dev/null 2>&1; then
  exit 0 # maven-npm.sh skips the npm tests, the browser test with them
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "[clients/mastra] installing Debian's chromium for the viewer's browser test"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends chromium >/dev/null; } \
    || { echo "[clients/mastra] apt-get could not install chromium" >&2; exit 1; }
  exit 0
fi
echo "[clients/mastra] $browser is missing: install Debian's chromium (apt-get install chromium) or set RUNSTREAM_CHROMIUM" >&2
exit 1
