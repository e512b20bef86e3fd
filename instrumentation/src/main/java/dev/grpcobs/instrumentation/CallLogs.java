package dev.grpcobs.instrumentation;

import dev.grpcobs.bridge.CallRecord;
import dev.grpcobs.bridge.RpcTracing.RpcSpan;
import io.grpc.Metadata;
import io.grpc.Status;

/** What the request log reads off gRPC objects: header values and peer addresses. */
final class CallLogs {

  static final Metadata.Key<String> USER_AGENT = AsciiHeaderKeys.of("user-agent");

  private CallLogs() {}

  /** A record of a finished call with what both sides know alike; the caller adds the rest. */
  static CallRecord record(
      boolean server,
      String fullMethodName,
      String type,
      Status status,
      long durationNanos,
      RpcSpan span) {
    CallRecord call = new CallRecord();
    call.server = server;
    call.fullMethodName = fullMethodName;
    call.type = type;
    call.statusCode = status.getCode().value();
    call.statusDescription = status.getDescription();
    call.durationNanos = durationNanos;
    call.traceId = span.traceId();
    call.spanId = span.spanId();
    call.traceSampled = span.sampled();
    return call;
  }

  /**
   * The values of the allow-listed request headers present, as name, value, ...; null when none
   * is. A header sent more than once is recorded with its last value.
   */
  static String[] capture(Metadata headers, String[] keys) {
    if (keys.length == 0) {
      return null;
    }
    String[] found = null;
    int n = 0;
    for (String key : keys) {
      String value = headers.get(AsciiHeaderKeys.of(key));
      if (value != null) {
        if (found == null) {
          found = new String[keys.length * 2];
        }
        found[n++] = key;
        found[n++] = value;
      }
    }
    if (found == null || n == found.length) {
      return found;
    }
    String[] trimmed = new String[n];
    System.arraycopy(found, 0, trimmed, 0, n);
    return trimmed;
  }
}
