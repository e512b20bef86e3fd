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

  /** The names of google/rpc/code.proto (and of grpc-java's {@code Status.Code}). */
  private static final String[] CANONICAL_NAMES = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
  };

  private GrpcStatusCodes() {}

  /** {@code NOT_FOUND} for 5 and so on; {@code CODE_N} for a code outside 0..16. */
  public static String canonicalName(int code) {
    if (code >= 0 && code < KNOWN_CODE_COUNT) {
      return CANONICAL_NAMES[code];
    }
    return "CODE_" + Integer.toUnsignedString(code);
  }

  /** The code named {@code name} (canonical or label name, any case), or -1. */
  public static int code(String name) {
    for (int code = 0; code < KNOWN_CODE_COUNT; code++) {
      if (CANONICAL_NAMES[code].equalsIgnoreCase(name) || NAMES[code].equalsIgnoreCase(name)) {
        return code;
      }
    }
    return -1;
  }

  /**
   * Whether a call that ended with {@code code} failed on the server's side (UNKNOWN,
   * DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS, as the OpenTelemetry
   * conventions for gRPC server spans have it) rather than by the caller's doing.
   */
  public static boolean isServerError(int code) {
    switch (code) {
      case 2:
      case 4:
      case 12:
      case 13:
      case 14:
      case 15:
        return true;
      default:
        return code < 0 || code >= KNOWN_CODE_COUNT;
    }
  }

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
