package dev.grpcobs.bridge;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Entry points of the advice woven into {@code io.grpc.Server} lifecycle methods and into
 * {@code ServerBuilder.fallbackHandlerRegistry}. Flips health to NOT_SERVING as soon as shutdown
 * is asked for, and, when the JVM itself is stopping, holds the application's shutdown back for
 * the configured drain delay so load balancers stop sending traffic first. Never throws.
 */
public final class ServerHooks {

  /** Implemented by the agent: reads a started server's ports and services. */
  public interface StartListener {
    void serverStarted(Object server);
  }

  private static final Map<Object, Object> APPLICATION_FALLBACKS =
      Collections.synchronizedMap(new WeakHashMap<Object, Object>());
  private static final Object DRAIN_LOCK = new Object();

  private static volatile StartListener startListener;
  private static volatile boolean healthServiceEnabled;
  private static volatile long drainMillis;
  private static long drainDeadlineNanos; // guarded by DRAIN_LOCK; 0 until the JVM stops

  private ServerHooks() {}

  public static void setStartListener(StartListener listener) {
    startListener = listener;
  }

  public static void setHealthServiceEnabled(boolean enabled) {
    healthServiceEnabled = enabled;
  }

  /** Whether instrumented servers get the agent's gRPC health service and health tracking. */
  public static boolean healthServiceEnabled() {
    return healthServiceEnabled;
  }

  public static void setDrainMillis(long millis) {
    drainMillis = Math.max(0, millis);
  }

  /** After {@code Server.start()} returned normally. */
  public static void started(Object server) {
    StartListener listener = startListener;
    if (listener == null || HealthRegistry.forOwner(server) == null) {
      return;
    }
    try {
      listener.serverStarted(server);
    } catch (Throwable t) {
      BuilderHooks.report("could not read the started gRPC server's ports and services", t);
    }
  }

  /** On entry of {@code Server.shutdown()} or {@code shutdownNow()}. */
  public static void shuttingDown(Object server) {
    try {
      ServerHealth health = HealthRegistry.forOwner(server);
      if (health == null) {
        return;
      }
      health.shuttingDown();
      if (jvmIsStopping()) {
        awaitDrain();
      }
    } catch (Throwable t) {
      BuilderHooks.report("could not mark the gRPC server NOT_SERVING", t);
    }
  }

  /**
   * Run by the agent's shutdown hook when the JVM is asked to stop (SIGTERM): every server goes
   * NOT_SERVING at once, and the JVM keeps serving for the drain delay.
   */
  public static void jvmStopping() {
    HealthRegistry.allShuttingDown();
    awaitDrain();
  }

  /** Waits until the drain delay that started with the JVM's stop has passed. */
  private static void awaitDrain() {
    long millis = drainMillis;
    if (millis <= 0) {
      return;
    }
    long deadline;
    synchronized (DRAIN_LOCK) {
      if (drainDeadlineNanos == 0) {
        drainDeadlineNanos = System.nanoTime() + millis * 1_000_000L;
      }
      deadline = drainDeadlineNanos;
    }
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      try {
        Thread.sleep(Math.max(1, left / 1_000_000L));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Whether the JVM has begun running its shutdown hooks. Hooks run concurrently and in no set
   * order, so the application's hook may call {@code shutdown()} before the agent's hook has run;
   * asking the runtime directly avoids that race.
   */
  static boolean jvmIsStopping() {
    Thread probe = new Thread(() -> {});
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException shutdownInProgress) {
      return true;
    }
  }

  /** The application set its own fallback registry on {@code builder}; remembered, not replaced. */
  public static void fallbackRegistrySet(Object builder, Object registry) {
    if (builder != null && !BuilderHooks.isSuppressed()) {
      APPLICATION_FALLBACKS.put(builder, registry);
    }
  }

  /** The fallback registry the application set on {@code builder}, or null. */
  public static Object applicationFallback(Object builder) {
    return APPLICATION_FALLBACKS.get(builder);
  }
}
