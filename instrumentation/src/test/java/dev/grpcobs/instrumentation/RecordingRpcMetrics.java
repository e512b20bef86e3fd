package dev.grpcobs.instrumentation;

import dev.grpcobs.bridge.CallMetrics;
import dev.grpcobs.bridge.RpcMetrics;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An {@link RpcMetrics} that writes down every event of every series in the order it arrives,
 * e.g. {@code started}, {@code received}, {@code sent}, {@code finished NOT_FOUND}, so tests can
 * compare whole sequences instead of totals that would hide a double or missing event.
 */
final class RecordingRpcMetrics implements RpcMetrics {

  private static final long AWAIT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** One labelled series: the side plus the three method labels. */
  static final class Series {
    final boolean server;
    final String service;
    final String method;
    final String type;

    private Series(boolean server, String service, String method, String type) {
      this.server = server;
      this.service = service;
      this.method = method;
      this.type = type;
    }

    static Series server(String service, String method, String type) {
      return new Series(true, service, method, type);
    }

    static Series client(String service, String method, String type) {
      return new Series(false, service, method, type);
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Series)) {
        return false;
      }
      Series other = (Series) o;
      return server == other.server
          && service.equals(other.service)
          && method.equals(other.method)
          && type.equals(other.type);
    }

    @Override
    public int hashCode() {
      return Objects.hash(server, service, method, type);
    }

    @Override
    public String toString() {
      return (server ? "server" : "client") + "(" + service + ", " + method + ", " + type + ")";
    }
  }

  // All guarded by this.
  private final Map<Series, List<String>> events = new HashMap<>();
  private final Map<Series, List<Long>> durations = new HashMap<>();
  private final Map<Series, Integer> lookups = new HashMap<>();

  @Override
  public synchronized CallMetrics method(
      boolean server, String service, String method, String type) {
    Series series = new Series(server, service, method, type);
    lookups.merge(series, 1, Integer::sum);
    events.computeIfAbsent(series, s -> new ArrayList<>());
    durations.computeIfAbsent(series, s -> new ArrayList<>());
    return new SeriesRecorder(series);
  }

  synchronized List<String> events(Series series) {
    return new ArrayList<>(events.getOrDefault(series, new ArrayList<>()));
  }

  synchronized List<Long> durations(Series series) {
    return new ArrayList<>(durations.getOrDefault(series, new ArrayList<>()));
  }

  /** How often {@link #method} was asked for this series. */
  synchronized int lookups(Series series) {
    return lookups.getOrDefault(series, 0);
  }

  /** Every series looked up on one side. */
  synchronized Set<Series> series(boolean server) {
    Set<Series> result = new LinkedHashSet<>();
    for (Series series : lookups.keySet()) {
      if (series.server == server) {
        result.add(series);
      }
    }
    return result;
  }

  /** Waits for events that arrive on another thread (cancellation, deadlines). */
  synchronized List<String> awaitEvents(Series series, Predicate<List<String>> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + AWAIT_TIMEOUT_NANOS;
    while (!condition.test(events(series))) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw new AssertionError("timed out waiting on " + series + "; all events: " + events);
      }
      TimeUnit.NANOSECONDS.timedWait(this, remaining);
    }
    return events(series);
  }

  List<String> awaitFinished(Series series) throws InterruptedException {
    return awaitEvents(series, seen -> finishes(seen) > 0);
  }

  /** How many {@code finished ...} events a sequence holds, whatever their codes. */
  static int finishes(List<String> events) {
    return (int) events.stream().filter(e -> e.startsWith("finished ")).count();
  }

  private synchronized void record(Series series, String event) {
    events.get(series).add(event);
    notifyAll();
  }

  private synchronized void recordFinished(Series series, int statusCode, long durationNanos) {
    durations.get(series).add(durationNanos);
    record(series, "finished " + codeName(statusCode));
  }

  /** The code's name, without {@code Status.fromCodeValue}'s folding of bad values into UNKNOWN. */
  private static String codeName(int value) {
    for (Status.Code code : Status.Code.values()) {
      if (code.value() == value) {
        return code.name();
      }
    }
    return "invalid code " + value;
  }

  private final class SeriesRecorder implements CallMetrics {
    private final Series series;

    SeriesRecorder(Series series) {
      this.series = series;
    }

    @Override
    public void started() {
      record(series, "started");
    }

    @Override
    public void messageReceived() {
      record(series, "received");
    }

    @Override
    public void messageSent() {
      record(series, "sent");
    }

    @Override
    public void finished(int statusCode, long durationNanos) {
      recordFinished(series, statusCode, durationNanos);
    }
  }
}
