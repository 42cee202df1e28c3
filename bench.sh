#!/usr/bin/env bash
# The speed and scale benchmarks (bench/): ratios against baselines measured in the same run, never asserted.
#   ./bench.sh           full run (1000 analyses, 40 interleaved rounds; a few minutes)
#   ./bench.sh --short   what CI runs (200 analyses, 10 rounds; about a minute)
set -euo pipefail
cd "$(dirname "$0")"
tools/ensure-prometheus.sh
mvn -B -ntp -q -Pbench -pl bench -am package -DskipTests
exec java -Xmx512m -cp "bench/target/classes:bench/target/lib/*" io.jenkins.plugins.progressivedelivery.bench.Bench "$@"
