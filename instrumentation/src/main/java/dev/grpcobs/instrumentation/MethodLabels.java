package dev.grpcobs.instrumentation;

import io.grpc.MethodDescriptor;

/** Turns gRPC method descriptors into the label values the metrics use. */
final class MethodLabels {

  static final String UNKNOWN_TYPE = "unknown";

  private MethodLabels() {}

  static String type(MethodDescriptor.MethodType type) {
    if (type == null) {
      return UNKNOWN_TYPE;
    }
    switch (type) {
      case UNARY:
        return "unary";
      case CLIENT_STREAMING:
        return "client_stream";
      case SERVER_STREAMING:
        return "server_stream";
      case BIDI_STREAMING:
        return "bidi_stream";
      default:
        return UNKNOWN_TYPE;
    }
  }

  /** {@code pkg.Service/Method} → {@code pkg.Service}; a name without a slash is all service. */
  static String service(String fullMethodName) {
    int slash = fullMethodName.lastIndexOf('/');
    return slash < 0 ? fullMethodName : fullMethodName.substring(0, slash);
  }

  /** {@code pkg.Service/Method} → {@code Method}. */
  static String method(String fullMethodName) {
    int slash = fullMethodName.lastIndexOf('/');
    return slash < 0 ? "" : fullMethodName.substring(slash + 1);
  }
}
