#!/usr/bin/env bash
# Builds the agent, the demo shop and the benchmark, then measures the agent's overhead from the repository
# root (where the benchmark's default paths point). Extra arguments go to the benchmark, e.g.
#   benchmarks/run.sh --rounds 5 --warmup-s 40 --markdown overhead.md
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -q -DskipTests install -pl agent,demo-app,benchmarks -am
# The load generator's JVM gets a fixed heap, like the servers, so GC sizing does not vary between runs.
exec java -Xms512m -Xmx512m -XX:+UseG1GC -jar benchmarks/target/benchmarks.jar "$@"
