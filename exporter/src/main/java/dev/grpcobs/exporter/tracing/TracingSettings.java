package dev.grpcobs.exporter.tracing;

import dev.grpcobs.exporter.MethodExclusions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the agent tells the tracing exporter; everything else (endpoint, protocol, sampler,
 * propagators, resource, batching) comes from the standard {@code OTEL_*} environment variables and
 * {@code otel.*} system properties.
 *
 * <p>A plain mutable value object: the agent fills it from its configuration and hands it to {@link
 * OtelTracing#start}, which copies what it needs.
 */
public final class TracingSettings {

  /** Health checks are frequent and uninteresting, so they are not traced by default. */
  public static final String DEFAULT_EXCLUDED_METHODS = "grpc.health.v1.Health/*";

  public static final int DEFAULT_MAX_MESSAGE_EVENTS = 0;
  public static final int DEFAULT_MAX_QUEUED_SPANS = 2048;

  private boolean enabled = true;
  private String serviceName;
  private List<String> excludedMethods =
      Collections.singletonList(DEFAULT_EXCLUDED_METHODS);
  private int maxMessageEvents = DEFAULT_MAX_MESSAGE_EVENTS;
  private int maxQueuedSpans = DEFAULT_MAX_QUEUED_SPANS;

  public boolean enabled() {
    return enabled;
  }

  public TracingSettings enabled(boolean enabled) {
    this.enabled = enabled;
    return this;
  }

  /** The service name, or null to leave it to OpenTelemetry's own settings and defaults. */
  public String serviceName() {
    return serviceName;
  }

  /**
   * The {@code service.name} resource attribute unless the user set {@code OTEL_SERVICE_NAME},
   * {@code otel.service.name} or {@code service.name} in {@code OTEL_RESOURCE_ATTRIBUTES}. Null or
   * empty: OpenTelemetry's default ({@code unknown_service:java}).
   */
  public TracingSettings serviceName(String serviceName) {
    this.serviceName = serviceName;
    return this;
  }

  public List<String> excludedMethods() {
    return Collections.unmodifiableList(excludedMethods);
  }

  /**
   * Methods not traced: each {@code pkg.Service/Method} (exactly that method) or {@code
   * pkg.Service/*} (every method of the service). See {@link #checkExcludedMethod(String)}.
   */
  public TracingSettings excludedMethods(List<String> patterns) {
    this.excludedMethods =
        patterns == null ? new ArrayList<String>() : new ArrayList<String>(patterns);
    return this;
  }

  public int maxMessageEvents() {
    return maxMessageEvents;
  }

  /** Per span, at most this many {@code rpc.message} events; 0 records none. */
  public TracingSettings maxMessageEvents(int maxMessageEvents) {
    this.maxMessageEvents = maxMessageEvents;
    return this;
  }

  public int maxQueuedSpans() {
    return maxQueuedSpans;
  }

  /**
   * Ended spans waiting for export (queued or being exported) before further ones are dropped and
   * counted in {@code grpcobs_spans_dropped_total{reason="queue_full"}}.
   */
  public TracingSettings maxQueuedSpans(int maxQueuedSpans) {
    this.maxQueuedSpans = maxQueuedSpans;
    return this;
  }

  /**
   * Checks one exclusion pattern.
   *
   * @return null if {@code pattern} is {@code pkg.Service/Method} or {@code pkg.Service/*},
   *     otherwise a message saying what is wrong with it, fit to be shown to a user
   */
  public static String checkExcludedMethod(String pattern) {
    return MethodExclusions.check(pattern);
  }

  @Override
  public String toString() {
    return "TracingSettings{enabled="
        + enabled
        + ", serviceName="
        + serviceName
        + ", excludedMethods="
        + excludedMethods
        + ", maxMessageEvents="
        + maxMessageEvents
        + ", maxQueuedSpans="
        + maxQueuedSpans
        + '}';
  }
}
