package dev.grpcobs.exporter.tracing;

import dev.grpcobs.exporter.MethodExclusions;
import dev.grpcobs.bridge.RpcTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Traces gRPC calls with the OpenTelemetry SDK: one SERVER span per server call, one CLIENT span
 * per client call, W3C trace context and baggage (or whatever {@code OTEL_PROPAGATORS} selects)
 * read from and written to gRPC metadata, exported over OTLP.
 *
 * <p>The SDK is configured by OpenTelemetry's autoconfigure module, so every standard {@code
 * OTEL_*} environment variable and {@code otel.*} system property applies. The agent only supplies
 * defaults, which those settings override: the service name, no metrics and no logs exporter (the
 * agent exports traces only), and the batch queue size. The SDK is never registered as {@code
 * GlobalOpenTelemetry}: the application may have its own.
 *
 * <p>Export is bounded and never blocks the application: at most {@link
 * TracingSettings#maxQueuedSpans()} ended spans wait for export; further ones are dropped and
 * counted in {@value #SPANS_DROPPED_TOTAL}{@code {reason="queue_full"}}, failed exports in {@code
 * reason="export_failed"}, successful ones in {@value #SPANS_EXPORTED_TOTAL}. When the collector
 * comes back, the next batches go through again by themselves.
 */
public final class OtelTracing implements RpcTracing {

  public static final String SPANS_EXPORTED_TOTAL = SpanExportAccounting.EXPORTED_TOTAL;
  public static final String SPANS_DROPPED_TOTAL = SpanExportAccounting.DROPPED_TOTAL;
  public static final String REASON_QUEUE_FULL = SpanExportAccounting.REASON_QUEUE_FULL;
  public static final String REASON_EXPORT_FAILED = SpanExportAccounting.REASON_EXPORT_FAILED;

  /** How long {@link #shutdown()} waits for the last spans to be exported. */
  public static final long DEFAULT_SHUTDOWN_TIMEOUT_MILLIS = 3000;

  /** OpenTelemetry's default {@code otel.bsp.max.export.batch.size}. */
  private static final int DEFAULT_BSP_EXPORT_BATCH_SIZE = 512;

  /** The instrumentation scope of the agent's spans. */
  static final String INSTRUMENTATION_SCOPE = "grpc-observability-agent";

  /** The name of a server span whose method is not known (yet). */
  static final String UNKNOWN_METHOD = "other/other";

  private final OpenTelemetrySdk sdk;
  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final MethodExclusions exclusions;
  private final RpcAttributes attributes = new RpcAttributes();
  private final int maxMessageEvents;
  private final SpanExportAccounting accounting;
  private final int maxPendingSpans;
  private final PrometheusRegistry registry;
  private final String description;
  private final AtomicBoolean shutdown = new AtomicBoolean();
  private volatile boolean active = true;

  private OtelTracing(
      OpenTelemetrySdk sdk,
      MethodExclusions exclusions,
      int maxMessageEvents,
      SpanExportAccounting accounting,
      int maxPendingSpans,
      PrometheusRegistry registry,
      String description) {
    this.sdk = sdk;
    this.maxPendingSpans = maxPendingSpans;
    this.tracer = sdk.getTracerProvider().get(INSTRUMENTATION_SCOPE);
    this.propagator = sdk.getPropagators().getTextMapPropagator();
    this.exclusions = exclusions;
    this.maxMessageEvents = maxMessageEvents;
    this.accounting = accounting;
    this.registry = registry;
    this.description = description;
  }

  /**
   * Builds the SDK from the standard OpenTelemetry settings plus the agent's defaults and registers
   * the span export counters on {@code registry}. Never throws.
   *
   * @param registry where the {@value #SPANS_EXPORTED_TOTAL} and {@value #SPANS_DROPPED_TOTAL}
   *     counters go; null to count without exposing them
   * @return the tracing, or why there is none (disabled, or a one-line reason fit for the user)
   */
  public static StartResult start(TracingSettings settings, PrometheusRegistry registry) {
    return start(settings, registry, Collections.<String, String>emptyMap(), null);
  }

  /**
   * As {@link #start(TracingSettings, PrometheusRegistry)}, for tests: {@code overrides} take
   * precedence over every other setting (environment included), and {@code exporter}, if not
   * null, replaces the exporter that the settings select.
   */
  static StartResult start(
      TracingSettings settings,
      PrometheusRegistry registry,
      Map<String, String> overrides,
      SpanExporter exporter) {
    try {
      return doStart(settings, registry, overrides, exporter);
    } catch (RuntimeException | LinkageError | ServiceConfigurationError e) {
      return StartResult.failed("OpenTelemetry set-up failed: " + reason(e));
    }
  }

  private static StartResult doStart(
      TracingSettings settings,
      PrometheusRegistry registry,
      final Map<String, String> overrides,
      final SpanExporter replacement) {
    if (settings == null) {
      return StartResult.failed("no tracing settings");
    }
    if (!settings.enabled()) {
      return StartResult.disabled();
    }
    if (settings.maxMessageEvents() < 0) {
      return StartResult.failed(
          "the maximum of message events per span must be >= 0: " + settings.maxMessageEvents());
    }
    if (settings.maxQueuedSpans() < 1) {
      return StartResult.failed(
          "the maximum of spans waiting for export must be >= 1: " + settings.maxQueuedSpans());
    }
    MethodExclusions exclusions;
    try {
      exclusions = MethodExclusions.compile(settings.excludedMethods());
    } catch (IllegalArgumentException e) {
      return StartResult.failed("excluded methods: " + e.getMessage());
    }

    final SpanExportAccounting accounting = new SpanExportAccounting();
    final int maxQueuedSpans = settings.maxQueuedSpans();
    final String serviceName = settings.serviceName();
    final ConfigProperties[] finalConfig = new ConfigProperties[1];
    final List<CountingSpanExporter> counted = new ArrayList<>();
    final List<BoundedSpanProcessor> bounded = new ArrayList<>();

    AutoConfiguredOpenTelemetrySdkBuilder builder =
        AutoConfiguredOpenTelemetrySdk.builder()
            // The agent flushes on its own terms (shutdown()), with a short timeout.
            .disableShutdownHook()
            .addPropertiesSupplier(() -> defaults(maxQueuedSpans))
            .addPropertiesCustomizer(config -> overrides)
            .addPropertiesCustomizer(config -> serviceNameDefault(config, serviceName))
            .addPropertiesCustomizer(
                config -> {
                  finalConfig[0] = config;
                  return Collections.emptyMap();
                })
            .addSpanExporterCustomizer(
                (configured, config) -> {
                  SpanExporter chosen = configured;
                  if (replacement != null) {
                    configured.shutdown();
                    chosen = replacement;
                  }
                  CountingSpanExporter counting = new CountingSpanExporter(chosen, accounting);
                  counted.add(counting);
                  return counting;
                })
            .addSpanProcessorCustomizer(
                (processor, config) -> {
                  SpanProcessor result =
                      bound(processor, config, counted, accounting, maxQueuedSpans);
                  if (result instanceof BoundedSpanProcessor) {
                    bounded.add((BoundedSpanProcessor) result);
                  }
                  return result;
                });
    ClassLoader own = OtelTracing.class.getClassLoader();
    if (own != null) {
      // SPI implementations (exporters, propagators, resource providers) come from the loader
      // that holds the agent's (relocated) OpenTelemetry, never from the application's.
      builder.setServiceClassLoader(own);
    }

    OpenTelemetrySdk sdk;
    Thread thread = Thread.currentThread();
    ClassLoader contextLoader = thread.getContextClassLoader();
    try {
      // Threads the SDK starts (batch processor, HTTP client) inherit this loader.
      if (own != null) {
        thread.setContextClassLoader(own);
      }
      sdk = builder.build().getOpenTelemetrySdk();
      // Initialises the context storage (which may look for a ContextStorageProvider) now, with
      // this loader, rather than on the first call, in the application's thread and loader.
      Context.root();
    } finally {
      thread.setContextClassLoader(contextLoader);
    }

    try {
      if (registry != null) {
        accounting.register(registry);
      }
    } catch (IllegalArgumentException e) {
      sdk.shutdown().join(DEFAULT_SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      return StartResult.failed("span counters not registered: " + e.getMessage());
    }
    try {
      String description = finalConfig[0] == null ? "" : describe(finalConfig[0]);
      int maxPending = bounded.size() == 1 ? bounded.get(0).maxPending() : -1;
      return StartResult.started(
          new OtelTracing(
              sdk,
              exclusions,
              settings.maxMessageEvents(),
              accounting,
              maxPending,
              registry,
              description));
    } catch (RuntimeException | LinkageError e) {
      if (registry != null) {
        accounting.unregister(registry);
      }
      sdk.shutdown().join(DEFAULT_SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
      throw e;
    }
  }

  private static Map<String, String> defaults(int maxQueuedSpans) {
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.metrics.exporter", "none");
    defaults.put("otel.logs.exporter", "none");
    // The batch processor's queue holds at least the spans the agent admits, so it never drops one
    // the agent would not count.
    defaults.put("otel.bsp.max.queue.size", Integer.toString(maxQueuedSpans));
    // A batch larger than the queue only earns a warning from the batch processor.
    defaults.put(
        "otel.bsp.max.export.batch.size",
        Integer.toString(Math.min(DEFAULT_BSP_EXPORT_BATCH_SIZE, maxQueuedSpans)));
    return defaults;
  }

  /** The agent's service name, unless the user named the service the OpenTelemetry way. */
  private static Map<String, String> serviceNameDefault(ConfigProperties config, String name) {
    if (name == null || name.trim().isEmpty()) {
      return Collections.emptyMap();
    }
    String own = config.getString("otel.service.name");
    if (own != null && !own.trim().isEmpty()) {
      return Collections.emptyMap();
    }
    if (config.getMap("otel.resource.attributes").containsKey("service.name")) {
      return Collections.emptyMap();
    }
    return Collections.singletonMap("otel.service.name", name.trim());
  }

  private static SpanProcessor bound(
      SpanProcessor processor,
      ConfigProperties config,
      List<CountingSpanExporter> counted,
      SpanExportAccounting accounting,
      int maxQueuedSpans) {
    if (!(processor instanceof BatchSpanProcessor)) {
      return processor;
    }
    SpanExporter exporter = ((BatchSpanProcessor) processor).getSpanExporter();
    // Only a batch processor exporting through exactly one of our counting exporters can be
    // accounted span for span (always the case with the bundled exporters: OTLP only).
    if (counted.size() != 1 || exporter != counted.get(0)) {
      return processor;
    }
    int maxPending = maxQueuedSpans;
    Integer queueSize = config.getInt("otel.bsp.max.queue.size");
    if (queueSize != null && queueSize > 0 && queueSize < maxPending) {
      maxPending = queueSize;
    }
    return new BoundedSpanProcessor(processor, accounting, maxPending);
  }

  /** One line on where the spans go, for the agent's start-up message. */
  static String describe(ConfigProperties config) {
    if (config.getBoolean("otel.sdk.disabled", false)) {
      return "OpenTelemetry SDK disabled (otel.sdk.disabled=true)";
    }
    List<String> exporters =
        config.getList("otel.traces.exporter", Collections.singletonList("otlp"));
    StringBuilder line = new StringBuilder("traces exporter ").append(String.join(",", exporters));
    if (exporters.contains("otlp")) {
      String protocol = config.getString("otel.exporter.otlp.traces.protocol");
      if (protocol == null) {
        protocol = config.getString("otel.exporter.otlp.protocol", "grpc");
      }
      boolean http = protocol.startsWith("http");
      String endpoint = config.getString("otel.exporter.otlp.traces.endpoint");
      if (endpoint == null) {
        endpoint = config.getString("otel.exporter.otlp.endpoint");
        if (endpoint == null) {
          endpoint = http ? "http://localhost:4318" : "http://localhost:4317";
        }
        if (http) {
          endpoint = (endpoint.endsWith("/") ? endpoint : endpoint + "/") + "v1/traces";
        }
      }
      line.append(" (").append(protocol).append(" to ").append(endpoint).append(')');
    }
    line.append(", sampler ")
        .append(config.getString("otel.traces.sampler", "parentbased_always_on"));
    String samplerArg = config.getString("otel.traces.sampler.arg");
    if (samplerArg != null) {
      line.append(' ').append(samplerArg);
    }
    line.append(", propagators ")
        .append(
            String.join(
                ",",
                config.getList("otel.propagators", Arrays.asList("tracecontext", "baggage"))));
    return line.toString();
  }

  private static String reason(Throwable e) {
    String message = e.getMessage();
    Throwable cause = e.getCause();
    if (cause != null && cause != e && cause.getMessage() != null) {
      message = (message == null ? "" : message + ": ") + cause.getMessage();
    }
    return message == null ? e.getClass().getName() : message;
  }

  // ---- RpcTracing ---------------------------------------------------------------------------

  @Override
  public boolean traces(String fullMethodName) {
    return active && !exclusions.excludes(fullMethodName);
  }

  @Override
  public RpcSpan startServerSpan(String fullMethodName, Function<String, String> incomingHeader) {
    try {
      Context parent =
          incomingHeader == null
              ? Context.root()
              : propagator.extract(Context.root(), incomingHeader, HeaderCarriers.GETTER);
      String name = fullMethodName == null ? UNKNOWN_METHOD : fullMethodName;
      Span span =
          tracer
              .spanBuilder(name)
              .setParent(parent)
              .setSpanKind(SpanKind.SERVER)
              .setAllAttributes(attributes.method(fullMethodName))
              .startSpan();
      return new OtelRpcSpan(this, span, name, parent, true, maxMessageEvents);
    } catch (RuntimeException | LinkageError | ServiceConfigurationError e) {
      return RpcSpan.NOOP;
    }
  }

  @Override
  public RpcSpan startClientSpan(RpcSpan parent, String fullMethodName, String authority) {
    try {
      Context parentContext =
          parent instanceof OtelRpcSpan && ((OtelRpcSpan) parent).tracing() == this
              ? ((OtelRpcSpan) parent).context()
              : Context.root();
      String name = fullMethodName == null ? UNKNOWN_METHOD : fullMethodName;
      Span span =
          tracer
              .spanBuilder(name)
              .setParent(parentContext)
              .setSpanKind(SpanKind.CLIENT)
              .setAllAttributes(attributes.method(fullMethodName))
              .setAllAttributes(attributes.authority(authority))
              .startSpan();
      return new OtelRpcSpan(this, span, name, parentContext, false, maxMessageEvents);
    } catch (RuntimeException | LinkageError | ServiceConfigurationError e) {
      return RpcSpan.NOOP;
    }
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /**
   * The root of the {@code java.util.logging} logger names under which the OpenTelemetry SDK logs
   * (failed exports, for instance, at most a few times a minute): {@code io.opentelemetry}, or its
   * relocated name in the agent's jar. JUL is shared with the application, so the agent may want to
   * set this logger's level or handler.
   */
  public static String sdkLoggerName() {
    String api = Span.class.getName();
    return api.substring(0, api.length() - ".api.trace.Span".length());
  }

  /** Where the spans go, in one line (exporter, protocol, endpoint, sampler, propagators). */
  public String describe() {
    return description;
  }

  /**
   * Stops tracing: no new spans, and the ended ones still waiting are exported within {@link
   * #DEFAULT_SHUTDOWN_TIMEOUT_MILLIS}. The agent calls it from its shutdown hook (none is
   * registered here). Idempotent; never throws.
   *
   * @return true if everything was exported and shut down in time
   */
  public boolean shutdown() {
    return shutdown(DEFAULT_SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** As {@link #shutdown()}, waiting at most {@code timeout}. */
  public boolean shutdown(long timeout, TimeUnit unit) {
    active = false;
    if (!shutdown.compareAndSet(false, true)) {
      return true;
    }
    try {
      CompletableResultCode result = sdk.shutdown();
      result.join(timeout, unit);
      return result.isDone() && result.isSuccess();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * For tests: exports what is waiting and returns once every span admitted so far has been
   * exported or counted as failed; false if that takes longer than {@code timeout}. Flushes again
   * while spans are pending, since the batch processor may report a flush done that was requested
   * just before the previous one finished.
   */
  boolean flush(long timeout, TimeUnit unit) {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (true) {
      CompletableResultCode result = sdk.getSdkTracerProvider().forceFlush();
      result.join(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (accounting.pending() == 0) {
        return result.isDone() && result.isSuccess();
      }
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  TextMapPropagator propagator() {
    return propagator;
  }

  RpcAttributes attributes() {
    return attributes;
  }

  SpanExportAccounting accounting() {
    return accounting;
  }

  /** The bound on spans waiting for export; -1 if no exporter is bounded (none configured). */
  int maxPendingSpans() {
    return maxPendingSpans;
  }

  PrometheusRegistry registry() {
    return registry;
  }

  OpenTelemetrySdk sdk() {
    return sdk;
  }

  /** What {@link #start} achieved: a running tracing, or why there is none. */
  public static final class StartResult {

    private final OtelTracing tracing;
    private final String problem;

    private StartResult(OtelTracing tracing, String problem) {
      this.tracing = tracing;
      this.problem = problem;
    }

    static StartResult started(OtelTracing tracing) {
      return new StartResult(tracing, null);
    }

    static StartResult disabled() {
      return new StartResult(null, null);
    }

    static StartResult failed(String problem) {
      return new StartResult(null, problem);
    }

    /** The running tracing; empty if disabled or failed. */
    public Optional<OtelTracing> tracing() {
      return Optional.ofNullable(tracing);
    }

    /** Why tracing could not start, in one line; empty if it started or was disabled. */
    public Optional<String> problem() {
      return Optional.ofNullable(problem);
    }

    /** The tracing to install in the bridge: the running one, or {@link RpcTracing#NOOP}. */
    public RpcTracing rpcTracing() {
      return tracing == null ? RpcTracing.NOOP : tracing;
    }

    @Override
    public String toString() {
      return tracing != null
          ? "started: " + tracing.describe()
          : problem != null ? "failed: " + problem : "disabled";
    }
  }
}
