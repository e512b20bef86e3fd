package dev.grpcobs.it.logs;

import dev.grpcobs.it.harness.Json;
import java.util.Collections;
import java.util.Map;

/** One line of the agent's request log, parsed strictly; keeps its raw text for messages. */
public final class RequestLogLine {

  public static final String SERVER_EVENT = "grpc.server.call";
  public static final String CLIENT_EVENT = "grpc.client.call";

  private final String raw;
  private final Map<String, Object> fields;

  private RequestLogLine(String raw, Map<String, Object> fields) {
    this.raw = raw;
    this.fields = Collections.unmodifiableMap(fields);
  }

  /**
   * @throws AssertionError naming the line if it is not exactly one JSON object
   */
  public static RequestLogLine parse(String line) {
    try {
      return new RequestLogLine(line, Json.parseObject(line));
    } catch (IllegalArgumentException e) {
      throw new AssertionError("not one JSON object: " + e.getMessage() + "\n  line: " + line, e);
    }
  }

  public String raw() {
    return raw;
  }

  public Map<String, Object> fields() {
    return fields;
  }

  public boolean has(String key) {
    return fields.containsKey(key);
  }

  public Object get(String key) {
    return fields.get(key);
  }

  /** A string field, or null if absent; fails if the field is not a string. */
  public String string(String key) {
    Object value = fields.get(key);
    if (value != null && !(value instanceof String)) {
      throw new AssertionError(key + " is not a string in " + raw);
    }
    return (String) value;
  }

  /** An integer field; fails if absent or not an integer. */
  public long integer(String key) {
    Object value = fields.get(key);
    if (!(value instanceof Long)) {
      throw new AssertionError(key + " is not an integer in " + raw);
    }
    return (Long) value;
  }

  /** A number field; fails if absent or not a number. */
  public double number(String key) {
    Object value = fields.get(key);
    if (!(value instanceof Number)) {
      throw new AssertionError(key + " is not a number in " + raw);
    }
    return ((Number) value).doubleValue();
  }

  public boolean isServer() {
    return SERVER_EVENT.equals(fields.get("event"));
  }

  public boolean isClient() {
    return CLIENT_EVENT.equals(fields.get("event"));
  }

  /** {@code service/method}. */
  public String fullMethod() {
    return string("grpc.service") + "/" + string("grpc.method");
  }

  public String code() {
    return string("grpc.code");
  }

  public String traceId() {
    return string("trace_id");
  }

  public String spanId() {
    return string("span_id");
  }

  public String description() {
    return string("grpc.description");
  }

  /** The logged request headers, or null if the line has none. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> metadata() {
    Object value = fields.get("grpc.metadata");
    if (value != null && !(value instanceof Map)) {
      throw new AssertionError("grpc.metadata is not an object in " + raw);
    }
    return (Map<String, Object>) value;
  }

  @Override
  public String toString() {
    return raw;
  }
}
