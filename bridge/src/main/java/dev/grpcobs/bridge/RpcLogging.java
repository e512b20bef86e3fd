package dev.grpcobs.bridge;

/**
 * The request log: one record per finished call. Implemented by the exporter, called by the
 * gRPC-facing helpers on the call's own thread, so implementations must never block or throw.
 */
public interface RpcLogging {

  /** Whether finished calls of this method may be logged at all (health checks, by default, not). */
  boolean logs(String fullMethodName);

  /**
   * Lower-case names of the request headers whose values go into the record: the user's
   * allow-list, already cleared of secrets ({@code authorization}, cookies, {@code -bin} keys).
   * Never modified by callers.
   */
  String[] metadataKeys();

  /** A call finished; the record is not touched by the caller afterwards. */
  void callFinished(CallRecord call);

  RpcLogging NOOP =
      new RpcLogging() {
        private final String[] none = new String[0];

        @Override
        public boolean logs(String fullMethodName) {
          return false;
        }

        @Override
        public String[] metadataKeys() {
          return none;
        }

        @Override
        public void callFinished(CallRecord call) {}
      };
}
