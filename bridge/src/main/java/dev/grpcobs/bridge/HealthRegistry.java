package dev.grpcobs.bridge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every instrumented gRPC server's health, process-wide, and the link from the application's
 * builder and server objects to it. Servers are held weakly: a server the application drops
 * without shutting it down disappears from the probes with it.
 */
public final class HealthRegistry {

  /** Told about each server's health transitions (for a metric and a log line). */
  public interface ChangeListener {
    void changed(ServerHealth server, String what);
  }

  private static final AtomicInteger IDS = new AtomicInteger();
  private static final Map<Object, ServerHealth> BY_OWNER =
      Collections.synchronizedMap(new WeakHashMap<Object, ServerHealth>());
  private static final List<ChangeListener> CHANGE_LISTENERS = new CopyOnWriteArrayList<>();

  private HealthRegistry() {}

  /** A new server's health, owned (and kept only as long as) {@code builder}. */
  public static ServerHealth create(Object builder, String description) {
    ServerHealth health = new ServerHealth(IDS.incrementAndGet(), description);
    BY_OWNER.put(builder, health);
    return health;
  }

  /** The health created for {@code builder}, or null. */
  public static ServerHealth forOwner(Object owner) {
    return owner == null ? null : BY_OWNER.get(owner);
  }

  /** Makes {@code server} (what the builder built) an owner of the same health. */
  public static void link(Object builder, Object server) {
    ServerHealth health = forOwner(builder);
    if (health != null && server != null) {
      BY_OWNER.put(server, health);
    }
  }

  /** Every live server's health, ordered by creation. */
  public static List<ServerHealth> servers() {
    List<ServerHealth> all;
    synchronized (BY_OWNER) {
      all = new ArrayList<>(new java.util.LinkedHashSet<>(BY_OWNER.values()));
    }
    Collections.sort(all, (a, b) -> Integer.compare(a.id(), b.id()));
    return all;
  }

  /** Marks every server NOT_SERVING, e.g. when the JVM is asked to stop. */
  public static void allShuttingDown() {
    for (ServerHealth server : servers()) {
      server.shuttingDown();
    }
  }

  public static void addChangeListener(ChangeListener listener) {
    CHANGE_LISTENERS.add(listener);
  }

  static void reportChange(ServerHealth server, String what) {
    for (ChangeListener listener : CHANGE_LISTENERS) {
      try {
        listener.changed(server, what);
      } catch (RuntimeException ignored) {
        // reporting must never disturb the server
      }
    }
  }
}
