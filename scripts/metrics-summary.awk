# Summarises a Prometheus text scrape of the agent's golden-signal metrics:
# one row per side and method with calls, errors, and p50/p99 latency from the histogram.
function label(series, name,    m) {
  if (match(series, name "=\"[^\"]*\"")) {
    m = substr(series, RSTART + length(name) + 2, RLENGTH - length(name) - 3)
    return m
  }
  return ""
}
function key(series, side) {
  return side " " label(series, "grpc_service") "/" label(series, "grpc_method")
}
function quantile(k, q,    target, i, n, prev, prevCount, le, c) {
  n = bucketCount[k]
  target = q * total[k]
  prev = 0; prevCount = 0
  for (i = 1; i <= n; i++) {
    le = bucketLe[k, i]; c = bucketCum[k, i]
    if (c >= target) {
      if (le == "+Inf") return prev
      if (c == prevCount) return le
      return prev + (le - prev) * (target - prevCount) / (c - prevCount)
    }
    prev = le; prevCount = c
  }
  return prev
}
/^grpc_(server|client)_handled_total\{/ {
  side = ($0 ~ /^grpc_server/) ? "server" : "client"
  k = key($0, side); keys[k] = 1
  calls[k] += $NF
  if (label($0, "grpc_code") != "OK") errors[k] += $NF
}
/^grpc_(server|client)_handling_seconds_bucket\{/ {
  side = ($0 ~ /^grpc_server/) ? "server" : "client"
  k = key($0, side)
  i = ++bucketCount[k]
  le = label($0, "le")
  bucketLe[k, i] = (le == "+Inf") ? le : le + 0
  bucketCum[k, i] = $NF
  if (le == "+Inf") total[k] = $NF
}
/^grpc_(server|client)_in_flight_calls\{/ {
  side = ($0 ~ /^grpc_server/) ? "server" : "client"
  inflight[key($0, side)] += $NF
}
END {
  printf "%-7s %-32s %9s %8s %9s %9s %9s\n", "side", "method", "calls", "errors", "p50 ms", "p99 ms", "in flight"
  for (k in keys) {
    split(k, parts, " ")
    if (total[k] > 0) { p50 = quantile(k, 0.5) * 1000; p99 = quantile(k, 0.99) * 1000 } else { p50 = 0; p99 = 0 }
    printf "%-7s %-32s %9d %7.1f%% %9.2f %9.2f %9d\n", parts[1], parts[2], calls[k], (calls[k] ? 100 * errors[k] / calls[k] : 0), p50, p99, inflight[k]
  }
}
