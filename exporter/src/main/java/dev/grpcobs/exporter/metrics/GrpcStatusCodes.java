package dev.grpcobs.exporter.metrics;

/**
 * Names of numeric gRPC status codes as they appear in the {@code grpc_code} label.
 *
 * <p>The names are those of Go's {@code codes.Code.String()}, which go-grpc-middleware's Prometheus
 * provider writes into {@code grpc_code}; using the same values keeps existing dashboards and
 * alerts working. Note they differ from Java's {@code Status.Code} names ({@code Canceled}, not
 * {@code CANCELLED}).
 */
public final class GrpcStatusCodes {

  /** Codes {@code 0 .. KNOWN_CODE_COUNT - 1} have names; anything else is rendered as a number. */
  public static final int KNOWN_CODE_COUNT = 17;

  private static final String[] NAMES = {
    "OK",
    "Canceled",
    "Unknown",
    "InvalidArgument",
    "DeadlineExceeded",
    "NotFound",
    "AlreadyExists",
    "PermissionDenied",
    "ResourceExhausted",
    "FailedPrecondition",
    "Aborted",
    "OutOfRange",
    "Unimplemented",
    "Internal",
    "Unavailable",
    "DataLoss",
    "Unauthenticated",
  };

  private GrpcStatusCodes() {}

  /**
   * Returns the label value for {@code code}: its name for 0..16, otherwise {@code Code(N)} as Go
   * prints it. Go's code type is an unsigned 32-bit integer, so a negative int prints as its
   * unsigned value.
   */
  public static String name(int code) {
    if (code >= 0 && code < KNOWN_CODE_COUNT) {
      return NAMES[code];
    }
    return "Code(" + Integer.toUnsignedString(code) + ")";
  }
}
