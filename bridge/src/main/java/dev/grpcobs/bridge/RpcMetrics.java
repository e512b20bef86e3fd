package dev.grpcobs.bridge;

/** Hands out the instruments for one method; implemented by the exporter. */
public interface RpcMetrics {

  /** Value used for service, method or type when the real one must not become a label value. */
  String OTHER = "other";

  /**
   * Returns the instruments for a method. Callers cache the result per method; implementations
   * also cap the number of distinct methods and fold the excess into {@link #OTHER}.
   *
   * @param server true for the server side, false for the client side
   * @param service the fully qualified service name, e.g. {@code shop.Orders}
   * @param method the method name, e.g. {@code PlaceOrder}
   * @param type one of {@code unary}, {@code client_stream}, {@code server_stream},
   *     {@code bidi_stream}, {@code unknown}
   */
  CallMetrics method(boolean server, String service, String method, String type);

  RpcMetrics NOOP = (server, service, method, type) -> CallMetrics.NOOP;
}
