package dev.grpcobs.agent.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every configuration key the agent understands, with its default and description. The README's
 * configuration table lists exactly these (a test keeps the two in step).
 */
public enum ConfigKey {
  ENABLED("enabled", "true", "Switches the whole agent off when false; the application runs untouched."),
  SERVICE_NAME(
      "service.name",
      "",
      "Name of this service in metrics (`grpcobs_agent_info`). Falls back to `OTEL_SERVICE_NAME` / `otel.service.name`, then `unknown_service:java`."),
  HTTP_ENABLED(
      "http.enabled", "true", "Serves the HTTP endpoint (`/metrics`, `/health/*`) when true."),
  HTTP_HOST("http.host", "0.0.0.0", "Address the HTTP endpoint listens on."),
  HTTP_PORT("http.port", "9464", "Port of the HTTP endpoint (0 picks a free port and prints it)."),
  METRICS_ENABLED("metrics.enabled", "true", "Records the gRPC golden-signal metrics."),
  METRICS_JVM_ENABLED(
      "metrics.jvm.enabled", "true", "Adds JVM and process metrics (CPU, heap, GC, threads)."),
  METRICS_LATENCY_BUCKETS(
      "metrics.latency.buckets",
      "0.0001,0.00025,0.0005,0.001,0.0025,0.005,0.01,0.025,0.05,0.1,0.25,0.5,1,2.5,5,10,30,60,120",
      "Upper bounds in seconds of the `*_handling_seconds` histogram buckets, ascending, comma separated."),
  METRICS_MAX_METHODS(
      "metrics.max.methods",
      "1000",
      "Distinct methods per side (server, client) before further ones are counted as `other`."),
  TRACES_ENABLED(
      "traces.enabled",
      "true",
      "Records a SERVER span per server call and a CLIENT span per client call and exports them over OTLP (configured with the standard `OTEL_*` variables)."),
  TRACES_EXCLUDE_METHODS(
      "traces.exclude.methods",
      "grpc.health.v1.Health/*",
      "Methods not traced (still counted in metrics), comma separated: `pkg.Service/Method` or `pkg.Service/*`."),
  TRACES_MESSAGE_EVENTS_MAX(
      "traces.message.events.max",
      "0",
      "Per span, at most this many `rpc.message` events (one per message sent or received); message counts are always recorded as attributes."),
  TRACES_MAX_QUEUED_SPANS(
      "traces.max.queued.spans",
      "2048",
      "Spans waiting for export before further ones are dropped (and counted in `grpcobs_spans_dropped_total`), so a slow or absent collector never costs unbounded memory."),
  LOGS_ENABLED(
      "logs.enabled",
      "true",
      "Writes one JSON line per finished server and client call (see [Request logs](#request-logs))."),
  LOGS_FILE(
      "logs.file",
      "",
      "File the request log is written to, rolled by size and day; empty: standard output. An unwritable path falls back to standard output."),
  LOGS_FILE_MAX_SIZE(
      "logs.file.max.size", "100MB", "Size at which the log file rolls over (`KB`, `MB`, `GB`)."),
  LOGS_FILE_MAX_HISTORY(
      "logs.file.max.history", "7", "Days of rolled log files kept."),
  LOGS_FILE_TOTAL_SIZE_CAP(
      "logs.file.total.size.cap", "1GB", "Most space the rolled log files may take together."),
  LOGS_FILE_COMPRESS(
      "logs.file.compress",
      "true",
      "Gzips rolled log files, in the background at each roll; `false` keeps them as plain text and saves that CPU time."),
  LOGS_QUEUE_SIZE(
      "logs.queue.size",
      "8192",
      "Lines waiting to be written before further ones are dropped (and counted in `grpcobs_logs_dropped_total`), so a slow disk or stdout never slows calls."),
  LOGS_LEVEL_OK("logs.level.ok", "INFO", "Level of calls that ended OK."),
  LOGS_LEVEL_CLIENT_ERROR(
      "logs.level.client.error",
      "WARN",
      "Level of calls that failed by the caller's doing (every code but the server errors)."),
  LOGS_LEVEL_SERVER_ERROR(
      "logs.level.server.error",
      "ERROR",
      "Level of server errors: `UNKNOWN`, `DEADLINE_EXCEEDED`, `UNIMPLEMENTED`, `INTERNAL`, `UNAVAILABLE`, `DATA_LOSS`."),
  LOGS_LEVEL_CODES(
      "logs.level.codes",
      "",
      "Levels of single codes, overriding the three above, comma separated, e.g. `NOT_FOUND:INFO,CANCELLED:INFO`."),
  LOGS_ERRORS_ONLY(
      "logs.errors.only", "false", "Logs only calls that did not end OK."),
  LOGS_MIN_DURATION_MS(
      "logs.min.duration.ms",
      "0",
      "Successful calls faster than this many milliseconds are not logged (failed calls always are)."),
  LOGS_SAMPLE_RATIO(
      "logs.sample.ratio",
      "1.0",
      "Share of successful calls logged, 0 to 1 (failed calls always are)."),
  LOGS_EXCLUDE_METHODS(
      "logs.exclude.methods",
      "grpc.health.v1.Health/*",
      "Methods never logged, comma separated: `pkg.Service/Method` or `pkg.Service/*`."),
  LOGS_METADATA(
      "logs.metadata",
      "",
      "Request headers logged by value (allow-list, comma separated, e.g. `x-request-id`). `authorization`, `proxy-authorization`, `cookie`, `set-cookie` and `*-bin` headers are refused."),
  LOGS_VALUE_MAX_LENGTH(
      "logs.value.max.length",
      "1024",
      "Longest status description or header value written, in characters; longer ones are cut and end in `...`."),
  LOGS_MDC_ENABLED(
      "logs.mdc.enabled",
      "true",
      "While a traced call is handled, puts `trace_id`, `span_id` and `trace_flags` into the application's SLF4J MDC and Log4j 2 ThreadContext."),
  HEALTH_ENABLED(
      "health.enabled",
      "true",
      "Adds the standard `grpc.health.v1.Health` service to every instrumented server that has none, tracks server health and serves `/health`, `/health/live`, `/health/ready`."),
  HEALTH_DRAIN_SECONDS(
      "health.drain.seconds",
      "0",
      "When the JVM is asked to stop (SIGTERM): seconds to report NOT_SERVING while still serving, before the application's own shutdown proceeds."),
  INSTRUMENTATION_SERVER_ENABLED(
      "instrumentation.server.enabled", "true", "Instruments gRPC servers (`ServerBuilder.build()`)."),
  INSTRUMENTATION_CLIENT_ENABLED(
      "instrumentation.client.enabled",
      "true",
      "Instruments gRPC channels (`ManagedChannelBuilder.build()`)."),
  CONFIG_FILE(
      "config.file",
      "",
      "Path of a properties file with more of these keys (without the `grpcobs.` prefix)."),
  DEBUG("debug", "false", "Prints each instrumented builder class and transformation to stderr.");

  private static final Map<String, ConfigKey> BY_NAME = new LinkedHashMap<>();

  static {
    for (ConfigKey key : values()) {
      BY_NAME.put(key.key, key);
    }
  }

  private final String key;
  private final String defaultValue;
  private final String description;

  ConfigKey(String key, String defaultValue, String description) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  public String key() {
    return key;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  public String systemProperty() {
    return "grpcobs." + key;
  }

  public String environmentVariable() {
    return toEnvironmentVariable(key);
  }

  static String toEnvironmentVariable(String key) {
    return "GRPCOBS_" + key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /** The key named {@code name} (as written after the prefix), or null. */
  public static ConfigKey byName(String name) {
    return BY_NAME.get(name);
  }
}
