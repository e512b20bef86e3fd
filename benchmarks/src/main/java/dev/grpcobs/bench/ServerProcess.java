package dev.grpcobs.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A demo server in a JVM of its own. Its output is read continuously (a full pipe would block the server)
 * for the port it announces and, with the agent, the address of the metrics endpoint.
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on (\\d+)");
    private static final Pattern METRICS = Pattern.compile("metrics at (http://\\S+/metrics)");
    private static final Pattern AGENT_BANNER = Pattern.compile("\\[grpc-observability-agent\\] (.* attached.*)");
    private static final int KEPT_LINES = 30;
    private static final long STOP_GRACE_SECONDS = 20;

    private final String name;
    private final Process process;
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final CompletableFuture<String> metricsUrl = new CompletableFuture<>();
    private final Deque<String> recentOutput = new ArrayDeque<>();
    private volatile String agentBanner;

    private ServerProcess(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /**
     * Starts {@code command} and waits until the server listens and, if {@code withAgent}, the agent has
     * announced its metrics endpoint. Stops the process again if that does not happen within {@code timeout}.
     */
    static ServerProcess start(String name, List<String> command, boolean withAgent, Duration timeout)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).start();
        ChildProcesses.track(process);
        ServerProcess server = new ServerProcess(name, process);
        server.pump(process.getInputStream(), "stdout");
        server.pump(process.getErrorStream(), "stderr");
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            await(server.port, deadline, "no 'listening on' line");
            if (withAgent) {
                await(server.metricsUrl, deadline, "the agent announced no metrics endpoint");
            }
            return server;
        } catch (IOException e) {
            String exit = process.isAlive() ? "" : " (exit code " + process.exitValue() + ")";
            server.close();
            throw new IOException(name + " did not start: " + e.getMessage() + exit + "; its last output:"
                    + server.recentOutput(), e);
        }
    }

    String name() {
        return name;
    }

    int port() {
        return port.join();
    }

    /** The agent's metrics address; only for servers started with the agent. */
    String metricsUrl() {
        return metricsUrl.join();
    }

    /** The agent's line saying how it attached (what it instruments and exports), or null. */
    String agentBanner() {
        return agentBanner;
    }

    /** The operating system's id of the process, or -1 if this Java cannot tell. */
    long pid() {
        // Process.pid() exists from Java 9 on; the code targets Java 8, so it is looked up at run time.
        try {
            return (Long) Process.class.getMethod("pid").invoke(process);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /** SIGTERM, so the server shuts down gracefully as in production; SIGKILL if it does not in time. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
            System.err.println("[bench] " + name + " ignored SIGTERM for " + STOP_GRACE_SECONDS + " s; killing it");
            process.destroyForcibly();
            process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
        }
        ChildProcesses.forget(process);
    }

    private static <T> void await(CompletableFuture<T> future, long deadlineNanos, String whatIsMissing)
            throws IOException, InterruptedException {
        try {
            future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IOException(whatIsMissing + " in time", e);
        } catch (ExecutionException e) {
            throw new IOException(whatIsMissing + " before " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void pump(InputStream stream, String streamName) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    onLine(line);
                }
            } catch (IOException e) {
                // The stream closes when the process ends; the exit is reported below.
            }
            IOException ended = new IOException("the process closed its " + streamName);
            port.completeExceptionally(ended);
            metricsUrl.completeExceptionally(ended);
        }, name + "-" + streamName);
        thread.setDaemon(true);
        thread.start();
    }

    private void onLine(String line) {
        synchronized (recentOutput) {
            recentOutput.addLast(line);
            if (recentOutput.size() > KEPT_LINES) {
                recentOutput.removeFirst();
            }
        }
        Matcher listening = LISTENING.matcher(line);
        if (listening.find()) {
            port.complete(Integer.parseInt(listening.group(1)));
        }
        Matcher banner = AGENT_BANNER.matcher(line);
        if (banner.find()) {
            agentBanner = banner.group(1);
        }
        Matcher metrics = METRICS.matcher(line);
        if (metrics.find()) {
            metricsUrl.complete(metrics.group(1));
        }
    }

    private String recentOutput() {
        synchronized (recentOutput) {
            StringBuilder out = new StringBuilder();
            for (String line : recentOutput) {
                out.append(System.lineSeparator()).append("  ").append(name).append("> ").append(line);
            }
            return out.toString();
        }
    }
}
