#!/bin/sh
# Runs `npm "$@"` for Maven (clients/mastra/pom.xml). Skips, saying so, only when node or npm is not installed.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "[clients/mastra] SKIPPED 'npm $*': node and npm are not on the PATH; install Node.js >= 20 to build and test @runstream/mastra"
  exit 0
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "[clients/mastra] node $(node --version) is too old: @runstream/mastra needs Node.js >= 20" >&2
  exit 1
fi
exec npm "$@"
