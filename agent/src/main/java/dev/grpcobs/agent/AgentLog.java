package dev.grpcobs.agent;

/**
 * The agent's own diagnostics: short lines on stderr with a recognisable prefix, never on the
 * application's logging. Debug lines only appear with {@code debug=true}.
 */
public final class AgentLog {

  private static final String PREFIX = "[grpc-observability-agent] ";
  private static volatile boolean debug;

  private AgentLog() {}

  static void setDebug(boolean enabled) {
    debug = enabled;
  }

  public static void info(String message) {
    System.err.println(PREFIX + message);
  }

  public static void warn(String message) {
    System.err.println(PREFIX + "WARNING: " + message);
  }

  public static void debug(String message) {
    if (debug) {
      System.err.println(PREFIX + "debug: " + message);
    }
  }

  public static boolean isDebug() {
    return debug;
  }
}
