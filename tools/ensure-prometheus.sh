#!/usr/bin/env bash
# Installs Debian's prometheus package (prometheus + promtool) when it is missing: the tests and the demo start
# their own Prometheus on 127.0.0.1 and backfill data with promtool.
set -euo pipefail
if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
  exit 0
fi
echo "prometheus/promtool not found: installing Debian's prometheus package" >&2
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "error: prometheus is missing and this user cannot install it; run: apt-get install -y prometheus" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
command -v prometheus >/dev/null && command -v promtool >/dev/null
