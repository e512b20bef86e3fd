package dev.grpcobs.exporter.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's HTTP endpoint: {@code /metrics} for Prometheus, {@code /} with a list of the paths,
 * and whatever handlers were added to the builder (health checks, for instance).
 *
 * <p>Built on the JDK's own HTTP server so the agent brings no web stack into the application. It
 * runs on a few daemon threads, which never keep the application from exiting.
 */
public final class MetricsHttpServer implements Closeable {

  public static final String METRICS_PATH = "/metrics";
  public static final String INDEX_PATH = "/";

  private static final String THREAD_NAME_PREFIX = "grpcobs-http-";
  private static final int THREADS = 2;
  private static final int QUEUED_EXCHANGES = 32;
  private static final int BACKLOG = 0; // 0: the system default

  private final String host;
  private final int port;
  private final Map<String, HttpHandler> handlers;

  private HttpServer server;
  private ThreadPoolExecutor executor;
  private boolean closed;

  private MetricsHttpServer(Builder builder) {
    this.host = builder.host;
    this.port = builder.port;
    Map<String, HttpHandler> all = new LinkedHashMap<>();
    all.put(METRICS_PATH, new MetricsHandler(builder.registry));
    all.putAll(builder.handlers);
    all.put(INDEX_PATH, new IndexHandler(new ArrayList<>(all.keySet())));
    this.handlers = Collections.unmodifiableMap(all);
  }

  /** A builder for a server that serves {@code registry} on {@code /metrics}. */
  public static Builder builder(PrometheusRegistry registry) {
    return new Builder(registry);
  }

  /**
   * Binds and starts serving.
   *
   * @return the bound port: the OS-chosen ephemeral one if the configured port was 0
   * @throws IOException if the address cannot be bound; its message names {@code host:port} and the
   *     cause, fit to be shown to a user as is
   * @throws IllegalStateException if already started or closed
   */
  public synchronized int start() throws IOException {
    if (server != null || closed) {
      throw new IllegalStateException("already " + (closed ? "closed" : "started"));
    }
    HttpServer bound;
    try {
      bound = HttpServer.create(new InetSocketAddress(host, port), BACKLOG);
    } catch (IOException | RuntimeException e) {
      throw new IOException("cannot listen on " + hostAndPort(host, port) + ": " + describe(e), e);
    }
    for (Map.Entry<String, HttpHandler> handler : handlers.entrySet()) {
      bound.createContext(handler.getKey(), handler.getValue());
    }
    ThreadPoolExecutor workers = newExecutor();
    bound.setExecutor(workers);
    try {
      startOnDaemonThread(bound);
    } catch (IOException | RuntimeException e) {
      bound.stop(0);
      workers.shutdownNow();
      throw e;
    }
    server = bound;
    executor = workers;
    return bound.getAddress().getPort();
  }

  /** Stops serving and releases the port; exchanges still running are cut short. */
  @Override
  public synchronized void close() {
    closed = true;
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
    }
  }

  /**
   * The JDK server's dispatcher thread inherits daemon status from the thread that starts it, and
   * the agent starts us from the application's main thread: started there, it would keep the JVM
   * alive after the application's own threads end. So start it from a daemon thread.
   */
  private static void startOnDaemonThread(HttpServer server) throws IOException {
    if (Thread.currentThread().isDaemon()) {
      server.start();
      return;
    }
    FutureTask<Void> start = new FutureTask<>(server::start, null);
    Thread starter = new Thread(start, THREAD_NAME_PREFIX + "start");
    starter.setDaemon(true);
    starter.start();
    boolean interrupted = false;
    try {
      while (true) {
        try {
          start.get();
          return;
        } catch (InterruptedException e) {
          // Starting takes microseconds; finish it so the server is not left half started.
          interrupted = true;
        } catch (ExecutionException e) {
          throw new IOException("cannot start HTTP server: " + e.getCause(), e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static ThreadPoolExecutor newExecutor() {
    // Bounded in threads and queue so a flood of scrapes cannot grow the agent's footprint; when
    // both are full the server's dispatcher thread runs the exchange itself, which slows down
    // accepting new connections instead of dropping them.
    return new ThreadPoolExecutor(
        THREADS,
        THREADS,
        0L,
        TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<Runnable>(QUEUED_EXCHANGES),
        new DaemonThreadFactory(),
        new ThreadPoolExecutor.CallerRunsPolicy());
  }

  private static String hostAndPort(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }

  /** Configures a {@link MetricsHttpServer}; nothing is bound until {@link #start()}. */
  public static final class Builder {
    private final PrometheusRegistry registry;
    private final Map<String, HttpHandler> handlers = new LinkedHashMap<>();
    private String host = "0.0.0.0";
    private int port = 9464;

    private Builder(PrometheusRegistry registry) {
      if (registry == null) {
        throw new NullPointerException("registry");
      }
      this.registry = registry;
    }

    /** Address to listen on; default {@code 0.0.0.0} (all interfaces). */
    public Builder host(String host) {
      if (host == null || host.isEmpty()) {
        throw new IllegalArgumentException("host must not be empty");
      }
      this.host = host;
      return this;
    }

    /** Port to listen on, 0 for an ephemeral one; default 9464. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in 0..65535: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Serves {@code path} (and, as the JDK server matches by prefix, paths below it) with {@code
     * handler}.
     *
     * @throws IllegalArgumentException if {@code path} does not start with {@code /}, is {@code /}
     *     or {@code /metrics}, or already has a handler
     */
    public Builder handler(String path, HttpHandler handler) {
      if (path == null || !path.startsWith("/")) {
        throw new IllegalArgumentException("path must start with '/': " + path);
      }
      if (path.equals(INDEX_PATH) || path.equals(METRICS_PATH) || handlers.containsKey(path)) {
        throw new IllegalArgumentException("path already has a handler: " + path);
      }
      if (handler == null) {
        throw new NullPointerException("handler");
      }
      handlers.put(path, handler);
      return this;
    }

    public MetricsHttpServer build() {
      return new MetricsHttpServer(this);
    }
  }

  /** Lists the served paths on {@code /}; any other unclaimed path is a 404. */
  private static final class IndexHandler implements HttpHandler {
    private final byte[] body;

    IndexHandler(List<String> paths) {
      StringBuilder text = new StringBuilder("grpc-observability-agent\n\n");
      for (String path : paths) {
        text.append(path).append('\n');
      }
      body = text.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
      try {
        if (!INDEX_PATH.equals(exchange.getRequestURI().getPath())) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        if ("HEAD".equals(exchange.getRequestMethod())) {
          exchange.sendResponseHeaders(200, -1);
          return;
        }
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      } finally {
        exchange.close();
      }
    }
  }

  private static final class DaemonThreadFactory implements ThreadFactory {
    private final AtomicInteger created = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, THREAD_NAME_PREFIX + created.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }
}
