package dev.grpcobs.bridge;

/**
 * The metric instruments of one RPC method on one side (server or client), looked up once per
 * method and then called on every call. Implementations must be thread-safe and must not block.
 */
public interface CallMetrics {

  /** A call started; counts it and raises the in-flight gauge. */
  void started();

  void messageReceived();

  void messageSent();

  /**
   * A call started with {@link #started()} finished: counts it with its status code, records its
   * duration and lowers the in-flight gauge. Called exactly once per started call.
   *
   * @param statusCode the numeric gRPC status code (0 = OK ... 16 = UNAUTHENTICATED)
   */
  void finished(int statusCode, long durationNanos);

  /**
   * As {@link #finished(int, long)}, for a call whose sampled span ids may become an exemplar of
   * the latency histogram (either id null: no exemplar).
   */
  default void finished(int statusCode, long durationNanos, String traceId, String spanId) {
    finished(statusCode, durationNanos);
  }

  CallMetrics NOOP =
      new CallMetrics() {
        @Override
        public void started() {}

        @Override
        public void messageReceived() {}

        @Override
        public void messageSent() {}

        @Override
        public void finished(int statusCode, long durationNanos) {}
      };
}
