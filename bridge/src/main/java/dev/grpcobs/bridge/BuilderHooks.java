package dev.grpcobs.bridge;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Entry points of the advice woven into every {@code build()} of gRPC server and channel builders.
 *
 * <p>Forwarding builders call {@code build()} on a delegate, so the hooks keep a per-thread call
 * depth and act only on the outermost {@code build()}; a builder built twice is instrumented once.
 * Nothing here ever throws into the application.
 */
public final class BuilderHooks {

  /** Implemented by the agent: finds the right helpers for the builder's class loader. */
  public interface Installer {
    void instrumentServer(Object builder);

    void instrumentChannel(Object builder);
  }

  private static final ThreadLocal<int[]> SERVER_DEPTH = ThreadLocal.withInitial(() -> new int[1]);
  private static final ThreadLocal<int[]> CHANNEL_DEPTH = ThreadLocal.withInitial(() -> new int[1]);
  private static final ThreadLocal<int[]> SUPPRESSED = ThreadLocal.withInitial(() -> new int[1]);
  private static final Map<Object, Boolean> INSTRUMENTED =
      Collections.synchronizedMap(new WeakHashMap<>());

  private static volatile Installer installer;
  private static volatile ErrorReporter errorReporter = ErrorReporter.STDERR;

  private BuilderHooks() {}

  public static void setInstaller(Installer newInstaller) {
    installer = newInstaller;
  }

  public static void setErrorReporter(ErrorReporter reporter) {
    errorReporter = reporter == null ? ErrorReporter.STDERR : reporter;
  }

  /** Called on entry of a server builder's {@code build()}. */
  public static void serverBuildEnter(Object builder) {
    if (++SERVER_DEPTH.get()[0] != 1 || !shouldInstrument(builder)) {
      return;
    }
    try {
      installer.instrumentServer(builder);
    } catch (Throwable t) {
      errorReporter.report("could not instrument gRPC server builder " + className(builder), t);
    }
  }

  /**
   * Called on every exit (normal or exceptional) of a server builder's {@code build()}, with the
   * server it built (null if it threw).
   */
  public static void serverBuildExit(Object builder, Object server) {
    if (SERVER_DEPTH.get()[0]-- == 1 && server != null) {
      HealthRegistry.link(builder, server);
    }
  }

  public static void channelBuildEnter(Object builder) {
    if (++CHANNEL_DEPTH.get()[0] != 1 || !shouldInstrument(builder)) {
      return;
    }
    try {
      installer.instrumentChannel(builder);
    } catch (Throwable t) {
      errorReporter.report("could not instrument gRPC channel builder " + className(builder), t);
    }
  }

  public static void channelBuildExit() {
    CHANNEL_DEPTH.get()[0]--;
  }

  /**
   * Runs {@code action} with instrumentation switched off on this thread, for the agent's own
   * gRPC traffic.
   */
  public static void runSuppressed(Runnable action) {
    SUPPRESSED.get()[0]++;
    try {
      action.run();
    } finally {
      SUPPRESSED.get()[0]--;
    }
  }

  /** Whether the agent itself is calling gRPC builder methods on this thread. */
  public static boolean isSuppressed() {
    return SUPPRESSED.get()[0] > 0;
  }

  static void report(String what, Throwable cause) {
    errorReporter.report(what, cause);
  }

  private static boolean shouldInstrument(Object builder) {
    if (installer == null || builder == null || SUPPRESSED.get()[0] > 0) {
      return false;
    }
    return INSTRUMENTED.put(builder, Boolean.TRUE) == null;
  }

  private static String className(Object o) {
    return o == null ? "null" : o.getClass().getName();
  }
}
