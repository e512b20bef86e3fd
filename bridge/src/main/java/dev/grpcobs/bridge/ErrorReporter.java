package dev.grpcobs.bridge;

/** Where the bridge reports a failure it swallowed instead of throwing into the application. */
public interface ErrorReporter {

  void report(String what, Throwable cause);

  ErrorReporter STDERR =
      (what, cause) ->
          System.err.println("[grpc-observability-agent] " + what + ": " + cause);
}
