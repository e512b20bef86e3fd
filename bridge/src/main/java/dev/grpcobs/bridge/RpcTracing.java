package dev.grpcobs.bridge;

import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Starts the spans of gRPC calls; implemented by the exporter (OpenTelemetry SDK), called by the
 * gRPC-facing helpers. Only JDK types cross this line: headers travel as getter/setter functions,
 * parents as the {@link RpcSpan} the helpers keep in {@code io.grpc.Context}.
 */
public interface RpcTracing {

  /** Whether calls of {@code fullMethodName} are traced at all (health checks are not, by default). */
  boolean traces(String fullMethodName);

  /**
   * Starts the SERVER span of an incoming call, continuing the trace (and baggage) found in its
   * headers. Named {@code fullMethodName} if known, updated by {@link RpcSpan#updateMethod} once
   * the server has resolved the method.
   *
   * @param incomingHeader reads one request header (ASCII metadata) by lower-case name, or null
   */
  RpcSpan startServerSpan(String fullMethodName, Function<String, String> incomingHeader);

  /**
   * Starts the CLIENT span of an outgoing call.
   *
   * @param parent the span of the call being handled on this thread's gRPC context, or null
   * @param authority the channel's authority ({@code host:port}), or null
   */
  RpcSpan startClientSpan(RpcSpan parent, String fullMethodName, String authority);

  RpcTracing NOOP =
      new RpcTracing() {
        @Override
        public boolean traces(String fullMethodName) {
          return false;
        }

        @Override
        public RpcSpan startServerSpan(String fullMethodName, Function<String, String> header) {
          return RpcSpan.NOOP;
        }

        @Override
        public RpcSpan startClientSpan(RpcSpan parent, String fullMethodName, String authority) {
          return RpcSpan.NOOP;
        }
      };

  /** The span of one gRPC call. Thread-safe; every method is cheap and never throws. */
  interface RpcSpan {

    /** Writes the propagation headers (traceparent, tracestate, baggage, ...) of this span. */
    void inject(BiConsumer<String, String> outgoingHeader);

    /** The server resolved the method: the span takes its real name and RPC attributes. */
    void updateMethod(String fullMethodName);

    /** The other side's address, e.g. from the transport. */
    void setPeer(String address, int port);

    void messageSent();

    void messageReceived();

    /** An exception escaped application code during the call (it is re-thrown unchanged). */
    void recordException(Throwable error);

    /** Ends the span once with the call's status; later calls are ignored. */
    void end(int statusCode, String description, Throwable cause);

    /** Hex trace id, or null when the span is not sampled (so no exemplar is recorded). */
    String sampledTraceId();

    /** Hex span id, or null when the span is not sampled. */
    String sampledSpanId();

    /**
     * Hex trace id whether sampled or not (for log correlation: unsampled calls still share ids
     * across services), or null when there is no valid span.
     */
    default String traceId() {
      return sampledTraceId();
    }

    /** Hex span id whether sampled or not, or null when there is no valid span. */
    default String spanId() {
      return sampledSpanId();
    }

    /** Whether the span is recorded and exported. */
    default boolean sampled() {
      return sampledTraceId() != null;
    }

    RpcSpan NOOP =
        new RpcSpan() {
          @Override
          public void inject(BiConsumer<String, String> outgoingHeader) {}

          @Override
          public void updateMethod(String fullMethodName) {}

          @Override
          public void setPeer(String address, int port) {}

          @Override
          public void messageSent() {}

          @Override
          public void messageReceived() {}

          @Override
          public void recordException(Throwable error) {}

          @Override
          public void end(int statusCode, String description, Throwable cause) {}

          @Override
          public String sampledTraceId() {
            return null;
          }

          @Override
          public String sampledSpanId() {
            return null;
          }
        };
  }
}
