package dev.grpcobs.bridge;

/**
 * What the request log needs to know of one finished call, filled in by the gRPC-facing helpers
 * and handed to {@link RpcLogging#callFinished} once. JDK types only; never payloads.
 */
public final class CallRecord {

  /** True for a call this process served, false for one it made. */
  public boolean server;

  /** {@code package.Service/Method}, or {@code other/other} for a method the server does not have. */
  public String fullMethodName;

  /** {@code unary}, {@code client_stream}, {@code server_stream}, {@code bidi_stream}, {@code unknown}. */
  public String type;

  /** The numeric gRPC status code. */
  public int statusCode;

  /** The status description, or null. Untrusted text: any characters, any length. */
  public String statusDescription;

  public long durationNanos;

  /** The other side's address as {@code ip:port}, or null when the transport does not say. */
  public String peerAddress;

  public String authority;

  /** The caller's {@code user-agent} (server calls), or null. */
  public String userAgent;

  public long messagesReceived;

  public long messagesSent;

  /** Hex ids of the call's span (sampled or not), or null without tracing. */
  public String traceId;

  public String spanId;

  public boolean traceSampled;

  /**
   * Request metadata the sink asked for ({@link RpcLogging#metadataKeys()}), as name, value,
   * name, value, ...; null when none. Untrusted text.
   */
  public String[] metadata;

  /** When the call was handed to the sink, in epoch milliseconds; set by the sink. */
  public long endEpochMillis;
}
