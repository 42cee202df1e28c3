#!/usr/bin/env bash
# README command 1: builds the CLI and runs the demo, three canary rollouts (two over Istio, one over a Gateway API HTTPRoute) and two blue-green switches against an
# embedded Kubernetes API, a traffic simulator and a real local Prometheus. Arguments go to the demo: --fast,
# --out DIR, --timeout 5m. Exit code 0 when the good versions were promoted, the bad canary rolled back and the bad
# blue-green switch switched back.
set -euo pipefail
cd "$(dirname "$0")"
tools/ensure-prometheus.sh
mvn -B -q -ntp -Dstyle.color=never -pl cli -am package -DskipTests
exec java -jar cli/target/progressive-delivery-cli.jar demo "$@"
