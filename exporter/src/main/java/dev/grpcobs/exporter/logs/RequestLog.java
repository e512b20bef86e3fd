package dev.grpcobs.exporter.logs;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.grpcobs.bridge.CallRecord;
import dev.grpcobs.bridge.RpcLogging;
import dev.grpcobs.exporter.MethodExclusions;
import dev.grpcobs.exporter.metrics.GrpcStatusCodes;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.event.KeyValuePair;

/**
 * The request log behind the bridge: one JSON line per finished call. The call's own thread only
 * filters and offers the record to a bounded queue (never blocking: when the queue is full the
 * line is dropped and counted); one writer thread turns records into lines and writes them, so a
 * slow disk or a blocked stdout costs lines, never RPC latency.
 */
public final class RequestLog implements RpcLogging {

  private static final int BATCH = 256;
  /** How long the writer naps when it has caught up: how late a line may reach the output. */
  private static final long IDLE_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final long OPEN_WAIT_MILLIS = 2000;
  private static final long PROBLEM_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final LogSettings settings;
  private final MethodExclusions exclusions;
  private final String[] metadataKeys;
  private final long minDurationNanos;
  private final ArrayBlockingQueue<CallRecord> queue;
  private final LogAccounting accounting;
  private final Supplier<LogOutput> opener;
  private final CountDownLatch opened = new CountDownLatch(1);
  private final Thread writer;
  private volatile LogOutput output;
  private volatile boolean running = true;

  private RequestLog(
      LogSettings settings,
      MethodExclusions exclusions,
      LogAccounting accounting,
      Supplier<LogOutput> opener) {
    this.settings = settings;
    this.exclusions = exclusions;
    this.metadataKeys = settings.metadataKeys().toArray(new String[0]);
    this.minDurationNanos = TimeUnit.MILLISECONDS.toNanos(settings.minDurationMillis());
    this.queue = new ArrayBlockingQueue<>(settings.queueSize());
    this.accounting = accounting;
    this.opener = opener;
    this.writer = new Thread(this::drain, "grpcobs-request-log");
    this.writer.setDaemon(true);
  }

  /**
   * Registers the line counters and starts the writer thread, which opens the output (falling back
   * to standard output when the file cannot be written). Waits a moment for the output to open, so
   * a bad path is reported at start-up, but never longer: a file on a hung mount or a named pipe
   * nobody reads must not hold up the application's start (lines queue up meanwhile).
   *
   * @param problems receives trouble worth one line on stderr, at most once a minute after the
   *     first
   * @throws IllegalArgumentException for bad settings or counters already registered
   */
  public static RequestLog start(
      LogSettings settings, PrometheusRegistry registry, Consumer<String> problems) {
    MethodExclusions exclusions = MethodExclusions.compile(settings.excludedMethods());
    LogAccounting accounting = new LogAccounting();
    accounting.register(registry);
    Consumer<String> limited = rateLimited(problems);
    RequestLog log =
        start(settings, exclusions, accounting, () -> LogOutput.open(settings, limited));
    try {
      if (!log.opened.await(OPEN_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        problems.accept(
            "logs.file=" + settings.file() + " did not open within " + OPEN_WAIT_MILLIS
                + " ms; request logs are written there once it does (lines beyond"
                + " logs.queue.size are dropped meanwhile)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return log;
  }

  /** As {@link #start(LogSettings, PrometheusRegistry, Consumer)}, with the output given. */
  static RequestLog start(
      LogSettings settings,
      MethodExclusions exclusions,
      LogAccounting accounting,
      Supplier<LogOutput> opener) {
    RequestLog log = new RequestLog(settings, exclusions, accounting, opener);
    log.writer.start();
    return log;
  }

  static Consumer<String> rateLimited(Consumer<String> problems) {
    long[] last = {System.nanoTime() - PROBLEM_INTERVAL_NANOS};
    int[] suppressed = {0};
    return problem -> {
      synchronized (last) {
        long now = System.nanoTime();
        if (now - last[0] < PROBLEM_INTERVAL_NANOS) {
          suppressed[0]++;
          return;
        }
        last[0] = now;
        String more = suppressed[0] == 0 ? "" : " (" + suppressed[0] + " more since the last)";
        suppressed[0] = 0;
        problems.accept(problem + more);
      }
    };
  }

  // ---- RpcLogging: on the call's thread -----------------------------------------------------

  @Override
  public boolean logs(String fullMethodName) {
    return running && !exclusions.excludes(fullMethodName);
  }

  @Override
  public String[] metadataKeys() {
    return metadataKeys;
  }

  @Override
  public void callFinished(CallRecord call) {
    try {
      if (call.statusCode == 0 && !keepsSuccessful(call.durationNanos)) {
        return;
      }
      call.endEpochMillis = System.currentTimeMillis();
      if (!queue.offer(call)) {
        accounting.droppedQueueFull();
      }
    } catch (RuntimeException e) {
      // Never into the application's call path.
    }
  }

  private boolean keepsSuccessful(long durationNanos) {
    if (settings.errorsOnly() || durationNanos < minDurationNanos) {
      return false;
    }
    double ratio = settings.sampleRatio();
    return ratio >= 1.0 || (ratio > 0 && ThreadLocalRandom.current().nextDouble() < ratio);
  }

  // ---- the writer thread --------------------------------------------------------------------

  private void drain() {
    try {
      output = opener.get();
    } catch (RuntimeException | LinkageError e) {
      running = false; // logs() now says no, so calls stop handing records over
      return;
    } finally {
      opened.countDown();
    }
    List<CallRecord> batch = new ArrayList<>(BATCH);
    boolean unflushed = false;
    while (running || !queue.isEmpty()) {
      try {
        // Never blocks on the queue: a waiting writer would make every call that finishes while
        // it waits pay for waking it up. It drains what has come, and naps when nothing has.
        queue.drainTo(batch, BATCH);
        if (batch.isEmpty()) {
          if (unflushed) {
            output.flush();
            unflushed = false;
          }
          LockSupport.parkNanos(this, IDLE_NAP_NANOS);
          continue;
        }
        for (CallRecord call : batch) {
          write(call);
        }
        unflushed = true;
        batch.clear();
      } catch (RuntimeException | LinkageError e) {
        // One bad record must not stop the log; it is counted as not written.
        accounting.droppedWriteFailed();
        batch.clear();
      }
      if (Thread.interrupted()) {
        running = false;
      }
    }
    output.stop();
  }

  private void write(CallRecord call) {
    if (output.append(line(call))) {
      accounting.written();
    } else {
      accounting.droppedWriteFailed();
    }
  }

  ILoggingEvent line(CallRecord call) {
    String event = call.server ? "grpc.server.call" : "grpc.client.call";
    String method = call.fullMethodName == null ? "" : call.fullMethodName;
    int slash = method.lastIndexOf('/');
    String code = GrpcStatusCodes.canonicalName(call.statusCode);
    double durationMs = Math.round(call.durationNanos / 1000.0) / 1000.0;
    int max = settings.maxValueLength();

    List<KeyValuePair> fields = new ArrayList<>(20);
    add(fields, "event", event);
    add(fields, "service.name", settings.serviceName());
    add(fields, "grpc.service", slash < 0 ? method : method.substring(0, slash));
    add(fields, "grpc.method", slash < 0 ? "" : method.substring(slash + 1));
    add(fields, "grpc.type", call.type);
    add(fields, "grpc.code", code);
    add(fields, "grpc.status_code", call.statusCode);
    add(fields, "duration_ms", durationMs);
    add(fields, "peer.address", call.peerAddress);
    add(fields, "authority", UntrustedText.bounded(call.authority, max));
    add(fields, "user_agent", UntrustedText.bounded(call.userAgent, max));
    add(fields, "messages_received", call.messagesReceived);
    add(fields, "messages_sent", call.messagesSent);
    add(fields, "trace_id", call.traceId);
    add(fields, "span_id", call.spanId);
    if (call.traceId != null) {
      add(fields, "trace_sampled", call.traceSampled);
    }
    if (call.statusCode != 0) {
      add(fields, "grpc.description", UntrustedText.bounded(call.statusDescription, max));
    }
    if (call.metadata != null && call.metadata.length > 0) {
      Map<String, String> metadata = new LinkedHashMap<>();
      for (int i = 0; i + 1 < call.metadata.length; i += 2) {
        metadata.put(call.metadata[i], UntrustedText.bounded(call.metadata[i + 1], max));
      }
      add(fields, "grpc.metadata", metadata);
    }
    String message =
        (call.server ? "served " : "called ")
            + method
            + " "
            + code
            + " in "
            + millisText(call.durationNanos)
            + " ms";
    Level level = settings.levelOf(call.statusCode);
    return output.event(call.endEpochMillis, level, message, fields);
  }

  /** Milliseconds with three decimals ("12.896"), without String.format's cost on every line. */
  static String millisText(long nanos) {
    long micros = Math.round(Math.max(0, nanos) / 1000.0);
    long fraction = micros % 1000;
    String digits = Long.toString(fraction);
    return (micros / 1000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + digits;
  }

  private static void add(List<KeyValuePair> fields, String key, Object value) {
    if (value != null) {
      fields.add(new KeyValuePair(key, value));
    }
  }

  /** Stops taking lines, writes what is queued (waiting at most {@code maxMillis}), closes. */
  public void shutdown(long maxMillis) {
    running = false;
    LockSupport.unpark(writer);
    try {
      writer.join(maxMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public String describe() {
    LogOutput out = output;
    String where =
        out != null
            ? out.describe()
            : "request logs to " + (settings.file() == null ? "standard output" : settings.file());
    return where
        + (settings.metadataKeys().isEmpty() ? "" : ", headers " + settings.metadataKeys());
  }
}
