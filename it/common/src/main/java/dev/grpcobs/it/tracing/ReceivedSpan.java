package dev.grpcobs.it.tracing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One span as an OTLP receiver got it, reduced to plain Java values so tests can compare and print
 * it without protobuf. Immutable.
 */
public final class ReceivedSpan {

  private final String serviceName;
  private final String traceId;
  private final String spanId;
  private final String parentSpanId;
  private final String name;
  private final String kind;
  private final String statusCode;
  private final String statusMessage;
  private final Map<String, Object> attributes;
  private final List<Event> events;
  private final long startEpochNanos;

  /**
   * @param kind {@code SERVER}, {@code CLIENT}, {@code INTERNAL}, {@code PRODUCER}, {@code CONSUMER}
   *     or {@code UNSPECIFIED}
   * @param statusCode {@code OK}, {@code ERROR} or {@code UNSET}
   * @param attributes values are String, Long, Double, Boolean, List or Map, as in OTLP's AnyValue
   * @param startEpochNanos when the span started, in nanoseconds since the epoch
   */
  public ReceivedSpan(
      String serviceName,
      String traceId,
      String spanId,
      String parentSpanId,
      String name,
      String kind,
      String statusCode,
      String statusMessage,
      Map<String, Object> attributes,
      List<Event> events,
      long startEpochNanos) {
    this.serviceName = serviceName;
    this.traceId = traceId;
    this.spanId = spanId;
    this.parentSpanId = parentSpanId;
    this.name = name;
    this.kind = kind;
    this.statusCode = statusCode;
    this.statusMessage = statusMessage;
    this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    this.events = Collections.unmodifiableList(new ArrayList<>(events));
    this.startEpochNanos = startEpochNanos;
  }

  /** When the span started, in nanoseconds since the epoch (by the clock of the JVM that made it). */
  public long startEpochNanos() {
    return startEpochNanos;
  }

  /** {@code service.name} of the resource the span was exported with, or null. */
  public String serviceName() {
    return serviceName;
  }

  /** 32 lower-case hex digits. */
  public String traceId() {
    return traceId;
  }

  /** 16 lower-case hex digits. */
  public String spanId() {
    return spanId;
  }

  /** 16 lower-case hex digits, or "" for a root span. */
  public String parentSpanId() {
    return parentSpanId;
  }

  public boolean isRoot() {
    return parentSpanId.isEmpty();
  }

  public String name() {
    return name;
  }

  public String kind() {
    return kind;
  }

  public String statusCode() {
    return statusCode;
  }

  public String statusMessage() {
    return statusMessage;
  }

  public Map<String, Object> attributes() {
    return attributes;
  }

  /** The attribute's value, or null if the span does not have it. */
  public Object attribute(String key) {
    return attributes.get(key);
  }

  /** An integer attribute, e.g. {@code rpc.grpc.status_code}; null if absent or not an integer. */
  public Long longAttribute(String key) {
    Object value = attributes.get(key);
    return value instanceof Long ? (Long) value : null;
  }

  public List<Event> events() {
    return events;
  }

  public List<String> eventNames() {
    List<String> names = new ArrayList<>();
    for (Event event : events) {
      names.add(event.name());
    }
    return names;
  }

  /** The first event called {@code eventName}, or null. */
  public Event event(String eventName) {
    for (Event event : events) {
      if (event.name().equals(eventName)) {
        return event;
      }
    }
    return null;
  }

  /** Whether this span is a direct child of {@code parent}, in the same trace. */
  public boolean isChildOf(ReceivedSpan parent) {
    return traceId.equals(parent.traceId) && parentSpanId.equals(parent.spanId);
  }

  @Override
  public String toString() {
    return serviceName + " " + kind + " " + name + " trace=" + traceId + " span=" + spanId
        + " parent=" + (isRoot() ? "-" : parentSpanId) + " status=" + statusCode
        + (statusMessage.isEmpty() ? "" : "(" + statusMessage + ")") + " " + attributes
        + (events.isEmpty() ? "" : " events=" + eventNames());
  }

  /** A span event: its name and attributes. */
  public static final class Event {
    private final String name;
    private final Map<String, Object> attributes;

    public Event(String name, Map<String, Object> attributes) {
      this.name = name;
      this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public String name() {
      return name;
    }

    public Map<String, Object> attributes() {
      return attributes;
    }

    @Override
    public String toString() {
      return name + attributes;
    }
  }
}
