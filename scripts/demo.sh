#!/usr/bin/env bash
# Runs the demo shop (orders -> inventory, with its load generator) as a local JVM with the agent
# attached, and prints what the agent sees every few seconds. No Docker needed.
#
#   DURATION   seconds to run (default 60; 0 = until Ctrl-C)
#   PORT       the agent's HTTP port (default 9464): http://localhost:$PORT/metrics
#   RPS        calls per second from the load generator (default 50)
#   ERROR_RATE fraction of calls the servers fail with UNAVAILABLE (default 0.02)
#   LOG_FILE   where the agent writes its JSON request log, one line per call
#              (default target/demo-requests.log; empty = the terminal)
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-60}
PORT=${PORT:-9464}
RPS=${RPS:-50}
ERROR_RATE=${ERROR_RATE:-0.02}
LOG_FILE=${LOG_FILE-target/demo-requests.log}
AGENT=agent/target/grpc-observability-agent.jar
DEMO=demo-app/target/demo-shop.jar

if [ "${SKIP_BUILD:-}" != "1" ]; then
  echo "== building the agent and the demo shop"
  mvn -B -q -ntp -DskipTests install -pl agent,demo-app -am
fi

AGENT_ARGS="service.name=demo-shop,http.port=$PORT${LOG_FILE:+,logs.file=$LOG_FILE}"
echo "== starting the demo shop with the agent: java -javaagent:$AGENT=$AGENT_ARGS -jar $DEMO all"
java "-javaagent:$AGENT=$AGENT_ARGS" -jar "$DEMO" all \
  --rps "$RPS" --duration-s "$DURATION" --error-rate "$ERROR_RATE" --latency-ms 2 --latency-jitter-ms 8 &
demo=$!
trap 'kill $demo 2>/dev/null || true; wait $demo 2>/dev/null || true' EXIT INT TERM

echo "== metrics: http://localhost:$PORT/metrics (point Prometheus at it; config in dashboards/prometheus.yml)"
[ -n "$LOG_FILE" ] && echo "== request log (one JSON line per call): tail -f $LOG_FILE"
sleep 5
while kill -0 "$demo" 2>/dev/null; do
  if scrape=$(curl -fsS "http://localhost:$PORT/metrics" 2>/dev/null); then
    echo
    echo "== what the agent sees ($(date +%T))"
    echo "$scrape" | awk -f scripts/metrics-summary.awk | { read -r header; echo "$header"; sort; }
  fi
  sleep 10
done
