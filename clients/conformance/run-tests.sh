#!/usr/bin/env bash
# Run by the `clients` Maven module in the integration-test phase (after kafka-bridge built runstream.jar):
# installs the locked npm packages and runs the Node conformance tests. Skips, with a message, when node or npm
# is missing or older than Node 20, or when tests are skipped (-DskipTests / -DskipITs).
set -euo pipefail
script=${BASH_SOURCE[0]}
if [[ $script == */* ]]; then cd "${script%/*}"; fi
if [ "${RUNSTREAM_SKIP_TESTS:-false}" = "true" ]; then
  echo "clients/conformance: tests skipped"
  exit 0
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "clients/conformance: SKIPPED: node and npm are not on the PATH (install Node 20+ to run the Confluent JS client tests)"
  exit 0
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "clients/conformance: SKIPPED: Node $(node --version) is older than 20 (node:test and import.meta.dirname)"
  exit 0
fi
if [ ! -f ../../kafka-bridge/target/runstream.jar ]; then
  echo "clients/conformance: kafka-bridge/target/runstream.jar is missing: build kafka-bridge first" >&2
  exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
npm test
