package dev.grpcobs.bridge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The health of one instrumented gRPC server: its lifecycle and the serving status of the whole
 * server ({@code ""}) and of each service it registers, in the terms of the gRPC health-checking
 * protocol. Read by the gRPC health service and the HTTP probes; thread-safe.
 */
public final class ServerHealth {

  /** Serving statuses, numbered as in {@code grpc.health.v1.HealthCheckResponse.ServingStatus}. */
  public static final int UNKNOWN = 0;
  public static final int SERVING = 1;
  public static final int NOT_SERVING = 2;
  public static final int SERVICE_UNKNOWN = 3;

  /** The name that stands for the whole server. */
  public static final String WHOLE_SERVER = "";

  /** Lifecycle of the server, as the agent saw it. */
  public enum Phase {
    BUILT,
    STARTED,
    SHUTTING_DOWN,
    TERMINATED
  }

  /** Told about every status change, e.g. by an open {@code Watch} call. */
  public interface Listener {
    void statusChanged(String service, int status);
  }

  private final int id;
  private final String description;
  private final Map<String, Integer> statuses = new LinkedHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private volatile Phase phase = Phase.BUILT;
  private volatile List<Integer> ports = Collections.emptyList();
  private volatile boolean ownHealthService;

  ServerHealth(int id, String description) {
    this.id = id;
    this.description = description;
    statuses.put(WHOLE_SERVER, NOT_SERVING);
  }

  public int id() {
    return id;
  }

  public String description() {
    return description;
  }

  public Phase phase() {
    return phase;
  }

  public List<Integer> ports() {
    return ports;
  }

  /** True when the application registers its own {@code grpc.health.v1.Health} service. */
  public boolean hasOwnHealthService() {
    return ownHealthService;
  }

  /** The server started listening: it and every registered service are SERVING. */
  public void started(List<Integer> listeningPorts, List<String> services, boolean ownHealth) {
    ports = Collections.unmodifiableList(new ArrayList<>(listeningPorts));
    ownHealthService = ownHealth;
    Map<String, Integer> changed = new LinkedHashMap<>();
    synchronized (this) {
      if (phase != Phase.BUILT) {
        return;
      }
      phase = Phase.STARTED;
      for (String service : services) {
        statuses.put(service, SERVING);
        changed.put(service, SERVING);
      }
      statuses.put(WHOLE_SERVER, SERVING);
      changed.put(WHOLE_SERVER, SERVING);
    }
    notifyListeners(changed);
    HealthRegistry.reportChange(this, "SERVING");
  }

  /** Shutdown was requested: NOT_SERVING everywhere, before in-flight calls drain. */
  public void shuttingDown() {
    Map<String, Integer> changed = new LinkedHashMap<>();
    synchronized (this) {
      if (phase == Phase.SHUTTING_DOWN || phase == Phase.TERMINATED) {
        return;
      }
      phase = Phase.SHUTTING_DOWN;
      for (Map.Entry<String, Integer> e : statuses.entrySet()) {
        if (e.getValue() != NOT_SERVING) {
          e.setValue(NOT_SERVING);
          changed.put(e.getKey(), NOT_SERVING);
        }
      }
    }
    notifyListeners(changed);
    HealthRegistry.reportChange(this, "NOT_SERVING");
  }

  public void terminated() {
    phase = Phase.TERMINATED;
  }

  /** The status of {@code service}, or {@link #SERVICE_UNKNOWN} if the server does not have it. */
  public synchronized int status(String service) {
    Integer status = statuses.get(service == null ? WHOLE_SERVER : service);
    return status == null ? SERVICE_UNKNOWN : status;
  }

  /** A copy of every known service's status, the whole server first. */
  public synchronized Map<String, Integer> statuses() {
    return new LinkedHashMap<>(statuses);
  }

  public boolean isServing() {
    return phase == Phase.STARTED && status(WHOLE_SERVER) == SERVING;
  }

  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  public void removeListener(Listener listener) {
    listeners.remove(listener);
  }

  private void notifyListeners(Map<String, Integer> changed) {
    for (Map.Entry<String, Integer> e : changed.entrySet()) {
      for (Listener listener : listeners) {
        try {
          listener.statusChanged(e.getKey(), e.getValue());
        } catch (RuntimeException ignored) {
          // one broken watcher must not keep the others from hearing the news
        }
      }
    }
  }

  public static String statusName(int status) {
    switch (status) {
      case SERVING:
        return "SERVING";
      case NOT_SERVING:
        return "NOT_SERVING";
      case SERVICE_UNKNOWN:
        return "SERVICE_UNKNOWN";
      default:
        return "UNKNOWN";
    }
  }
}
