package dev.grpcobs.it.harness;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A separate JVM running a test application, optionally with the agent attached, whose stdout is
 * read line by line and whose stdin takes commands. Its JVM is the one in {@code it.java} if set
 * (to test on another JDK), otherwise the JVM running the tests.
 */
public final class ForkedApp implements AutoCloseable {

  private static final Pattern ENDPOINT = Pattern.compile("metrics at http://[^:]+:(\\d+)/metrics");

  private final Process process;
  private final Writer stdin;
  private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private final List<String> stdoutSeen = Collections.synchronizedList(new ArrayList<String>());
  private final List<String> stderr = Collections.synchronizedList(new ArrayList<String>());

  private ForkedApp(Process process) {
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    pump(process.getInputStream(), line -> {
      stdoutSeen.add(line);
      stdout.add(line);
    }, "stdout");
    pump(process.getErrorStream(), stderr::add, "stderr");
  }

  /** The agent jar under test, built by the agent module. */
  public static String agentJar() {
    String jar = System.getProperty("agent.jar");
    if (jar == null || !new File(jar).isFile()) {
      throw new IllegalStateException("agent jar not found at " + jar + "; build the agent module first");
    }
    return jar;
  }

  public static String appClasspath() {
    String cp = System.getProperty("app.classpath");
    if (cp == null) {
      throw new IllegalStateException("system property app.classpath is not set");
    }
    return cp;
  }

  /** The class path entry holding the test application itself (it-common). */
  public static String testAppEntry() {
    for (String entry : appClasspath().split(File.pathSeparator)) {
      if (entry.contains("it-common") || entry.replace('\\', '/').contains("it/common/target")) {
        return entry;
      }
    }
    throw new IllegalStateException("it-common is not on " + appClasspath());
  }

  public static String javaExecutable() {
    String java = System.getProperty("it.java");
    if (java != null && !java.trim().isEmpty()) {
      return java.trim();
    }
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }

  /** Starts {@code mainClass} with the given JVM options (e.g. {@code -javaagent:...}). */
  public static ForkedApp start(
      List<String> jvmOptions, String classpath, String mainClass, List<String> args)
      throws IOException {
    return start(jvmOptions, classpath, mainClass, args, Collections.<String, String>emptyMap());
  }

  /** As above, with extra environment variables for the application. */
  public static ForkedApp start(
      List<String> jvmOptions,
      String classpath,
      String mainClass,
      List<String> args,
      java.util.Map<String, String> environment)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(name -> name.startsWith("GRPCOBS_") || name.startsWith("OTEL_"));
    boolean configuresTracing = false;
    for (String name : environment.keySet()) {
      configuresTracing |= name.startsWith("OTEL_");
    }
    if (!configuresTracing) {
      // Tracing stays on, but with no collector in these tests its spans go nowhere.
      builder.environment().put("OTEL_TRACES_EXPORTER", "none");
    }
    builder.environment().putAll(environment);
    return new ForkedApp(builder.start());
  }

  public static List<String> withAgent(String agentArgs, String... moreOptions) {
    List<String> options = new ArrayList<>();
    options.add("-javaagent:" + agentJar() + (agentArgs.isEmpty() ? "" : "=" + agentArgs));
    Collections.addAll(options, moreOptions);
    return options;
  }

  /** Waits for the next stdout line matching {@code test}; earlier lines are skipped. */
  public String awaitLine(Predicate<String> test, long timeoutSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left > 0 ? stdout.poll(left, TimeUnit.NANOSECONDS) : null;
      if (line == null) {
        throw new AssertionError(
            "no matching output line within " + timeoutSeconds + " s; alive=" + process.isAlive()
                + "\nstdout: " + stdoutSeen + "\nstderr: " + stderr);
      }
      if (test.test(line)) {
        return line;
      }
    }
  }

  /** Sends one command and returns its {@code result ...} line. */
  public String send(String command) throws IOException, InterruptedException {
    stdin.write(command + "\n");
    stdin.flush();
    return awaitLine(line -> line.startsWith("result ") || line.startsWith("error "), 60);
  }

  /** Sends one command without waiting for its result (read it later with {@link #awaitLine}). */
  public void sendAsync(String command) throws IOException {
    stdin.write(command + "\n");
    stdin.flush();
  }

  /** The agent's HTTP port, parsed from its start-up line on stderr. */
  public int agentPort() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      synchronized (stderr) {
        for (String line : stderr) {
          Matcher m = ENDPOINT.matcher(line);
          if (m.find()) {
            return Integer.parseInt(m.group(1));
          }
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the agent printed no metrics endpoint; stderr: " + stderr);
  }

  public List<String> stderr() {
    synchronized (stderr) {
      return new ArrayList<>(stderr);
    }
  }

  public List<String> stdoutSeen() {
    synchronized (stdoutSeen) {
      return new ArrayList<>(stdoutSeen);
    }
  }

  /**
   * Asks the JVM to stop the way an orchestrator does: SIGTERM, without waiting. Not
   * {@link Process#destroy()}, which also closes the pipes and so hides what the JVM prints
   * while it shuts down.
   */
  public void terminate() throws Exception {
    // Process.pid() is Java 9+; this module compiles for Java 8.
    long pid = (Long) Process.class.getMethod("pid").invoke(process);
    Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(pid)).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("could not send SIGTERM to " + pid);
    }
  }

  /** Waits for the process to end; its exit code, or null if it is still running. */
  public Integer awaitExit(long timeoutSeconds) throws InterruptedException {
    return process.waitFor(timeoutSeconds, TimeUnit.SECONDS) ? process.exitValue() : null;
  }

  public static String appClasspathWithoutProtobuf() {
    String cp = System.getProperty("app.classpath.noprotobuf");
    if (cp == null) {
      throw new IllegalStateException("system property app.classpath.noprotobuf is not set");
    }
    return cp;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() throws Exception {
    try {
      stdin.write("quit\n");
      stdin.flush();
      stdin.close();
    } catch (IOException alreadyGone) {
      // the process ended on its own
    }
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static void pump(InputStream stream, java.util.function.Consumer<String> sink, String name) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                  sink.accept(line);
                  if (name.equals("stderr")) {
                    System.err.println("  [app] " + line);
                  }
                }
              } catch (IOException ended) {
                // the process is gone
              }
            },
            "forked-app-" + name);
    t.setDaemon(true);
    t.start();
  }
}
