#!/usr/bin/env bash
# Runs every test: unit tests, the tests against the fabric8 Kubernetes mock server and a real Prometheus,
# and the packaging checks of the Jenkins plugin.
set -euo pipefail
cd "$(dirname "$0")"
tools/ensure-prometheus.sh
exec mvn -B -ntp verify "$@"
