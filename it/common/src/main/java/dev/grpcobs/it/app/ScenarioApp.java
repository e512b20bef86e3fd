package dev.grpcobs.it.app;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A gRPC application with no observability code, driven line by line over stdin so a test can
 * make it do exactly the calls it wants and then compare the agent's metrics with what happened.
 *
 * <pre>
 * args: [--own-libraries] [--own-health] [--start-delay-ms=N] serverKind...
 * out:  server KIND PORT | server KIND unsupported, channels KIND..., pid PID, then ready
 * in:   call CHANNEL_KIND SERVER_KIND METHOD DEADLINE_MS PAYLOAD   -> result CODE REPLIES
 *       (PAYLOAD bytes:N sends N bytes)
 *       cancel CHANNEL_KIND SERVER_KIND AFTER_MS                   -> result CODE REPLIES
 *       shutdown SERVER_KIND                                        -> result SHUTDOWN 0
 *       headers NAME=HEX;NAME=HEX...   request headers of every later call (none if empty;
 *                                      values as {@link Utf16Hex}, -bin ones one byte a char)
 *                                                                   -> result HEADERS N
 *       log TEXT                       TEXT to the app's own log, on this (no call's) thread
 *                                                                   -> result LOGGED 0
 *       quit
 * </pre>
 */
public final class ScenarioApp {

  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
  private final Map<String, Server> servers = new LinkedHashMap<>();
  private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
  /** Held while a command runs and prints its result, so shutdown can let it finish. */
  private final java.util.concurrent.locks.ReentrantLock commandLock =
      new java.util.concurrent.locks.ReentrantLock();
  /** Added to every call by the application's own interceptor; null for none. */
  private Metadata requestHeaders;

  public static void main(String[] args) throws Exception {
    List<String> kinds = new ArrayList<>();
    boolean ownLibraries = false;
    boolean ownHealth = false;
    long startDelayMs = 0;
    for (String arg : args) {
      if (arg.startsWith("--start-delay-ms=")) {
        startDelayMs = Long.parseLong(arg.substring("--start-delay-ms=".length()));
        continue;
      }
      if (arg.equals("--own-libraries")) {
        ownLibraries = true;
      } else if (arg.equals("--own-health")) {
        ownHealth = true;
      } else {
        kinds.add(arg);
      }
    }
    if (ownLibraries) {
      System.out.println(OwnLibraries.exercise());
    }
    System.out.println("protobuf-on-classpath=" + canLoad("com.google.protobuf.Message"));
    new ScenarioApp().run(kinds, ownHealth, startDelayMs);
  }

  private static boolean canLoad(String className) {
    try {
      Class.forName(className, false, ScenarioApp.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private void run(List<String> kinds, boolean ownHealth, long startDelayMs) throws Exception {
    // Like a well-behaved service: on SIGTERM, stop taking calls and let in-flight ones finish.
    Runtime.getRuntime().addShutdownHook(new Thread(this::shutdownGracefully, "app-shutdown"));
    for (String kind : kinds) {
      ServerBuilder<?> builder = ServerKinds.builder(kind);
      if (builder == null) {
        System.out.println("server " + kind + " unsupported");
        continue;
      }
      builder.addService(EchoService.definition(timer));
      if (ownHealth) {
        builder.addService(OwnHealth.service());
      }
      Server server = builder.build();
      if (startDelayMs > 0) {
        // Built but not started yet: a window in which probes must say "not ready".
        System.out.println("built " + kind);
        System.out.flush();
        Thread.sleep(startDelayMs);
      }
      server.start();
      servers.put(kind, server);
      System.out.println("server " + kind + " " + server.getPort());
    }
    System.out.println("channels " + ChannelKinds.supported());
    // "pid@host": lets a test attach the agent to this running JVM.
    System.out.println("pid " + java.lang.management.ManagementFactory.getRuntimeMXBean().getName().split("@")[0]);
    System.out.println("ready");
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] cmd = line.trim().split(" ", 6);
      if (cmd[0].equals("quit")) {
        break;
      }
      commandLock.lock();
      try {
        String result;
        try {
          result = execute(cmd);
        } catch (Exception e) {
          result = "error " + e;
        }
        System.out.println(result);
        System.out.flush();
      } finally {
        commandLock.unlock();
      }
    }
    for (ManagedChannel channel : channels.values()) {
      channel.shutdownNow();
    }
    for (Server server : servers.values()) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    timer.shutdownNow();
  }

  private void shutdownGracefully() {
    System.out.println("app shutdown hook: shutting servers down");
    for (Server server : servers.values()) {
      server.shutdown();
    }
    for (Server server : servers.values()) {
      try {
        server.awaitTermination(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // The JVM halts when the hooks return: give a call that was in flight time to report.
    try {
      if (commandLock.tryLock(10, TimeUnit.SECONDS)) {
        commandLock.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    System.out.println("app shutdown hook: servers terminated");
    System.out.flush();
  }

  private String execute(String[] cmd) throws InterruptedException {
    if (cmd[0].equals("shutdown")) {
      servers.get(cmd[1]).shutdown();
      return "result SHUTDOWN 0";
    }
    if (cmd[0].equals("headers")) {
      requestHeaders = cmd.length > 1 ? headers(cmd[1]) : null;
      return "result HEADERS " + (requestHeaders == null ? 0 : requestHeaders.keys().size());
    }
    if (cmd[0].equals("log")) {
      AppLog.info(String.join(" ", Arrays.asList(cmd).subList(1, cmd.length)));
      return "result LOGGED 0";
    }
    Channel channel = withRequestHeaders(channel(cmd[1], cmd[2]));
    if (cmd[0].equals("cancel")) {
      return cancelAfter(channel, Long.parseLong(cmd[3]));
    }
    MethodDescriptor<String, String> method = method(cmd[3]);
    long deadlineMs = Long.parseLong(cmd[4]);
    String payload = payload(cmd.length > 5 ? cmd[5] : "");
    CallOptions options =
        deadlineMs > 0
            ? CallOptions.DEFAULT.withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
            : CallOptions.DEFAULT;
    Outcome outcome = new Outcome();
    ClientCall<String, String> call = channel.newCall(method, options);
    switch (method.getType()) {
      case UNARY:
        ClientCalls.asyncUnaryCall(call, payload, outcome);
        break;
      case SERVER_STREAMING:
        ClientCalls.asyncServerStreamingCall(call, payload, outcome);
        break;
      case CLIENT_STREAMING:
        sendAll(ClientCalls.asyncClientStreamingCall(call, outcome), payload);
        break;
      default:
        sendAll(ClientCalls.asyncBidiStreamingCall(call, outcome), payload);
        break;
    }
    return outcome.await();
  }

  private Channel withRequestHeaders(ManagedChannel channel) {
    return requestHeaders == null
        ? channel
        : ClientInterceptors.intercept(
            channel, MetadataUtils.newAttachHeadersInterceptor(requestHeaders));
  }

  private String cancelAfter(Channel channel, long afterMs) throws InterruptedException {
    Outcome outcome = new Outcome();
    ClientCall<String, String> call = channel.newCall(EchoService.SERVER_STREAM, CallOptions.DEFAULT);
    ClientCalls.asyncServerStreamingCall(call, "hang", outcome);
    Thread.sleep(afterMs);
    call.cancel("cancelled by the test", null);
    return outcome.await();
  }

  private static Metadata headers(String spec) {
    Metadata headers = new Metadata();
    for (String header : spec.split(";")) {
      if (header.isEmpty()) {
        continue;
      }
      int eq = header.indexOf('=');
      String name = header.substring(0, eq);
      String value = Utf16Hex.decode(header.substring(eq + 1));
      if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        byte[] bytes = new byte[value.length()];
        for (int i = 0; i < bytes.length; i++) {
          bytes[i] = (byte) value.charAt(i);
        }
        headers.put(Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER), bytes);
      } else {
        headers.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value);
      }
    }
    return headers.keys().isEmpty() ? null : headers;
  }

  /** {@code bytes:N} stands for a message of N bytes, too long to pass on a command line. */
  private static String payload(String spec) {
    if (!spec.startsWith("bytes:")) {
      return spec;
    }
    char[] filler = new char[Integer.parseInt(spec.substring(6))];
    java.util.Arrays.fill(filler, 'x');
    return new String(filler);
  }

  private static void sendAll(StreamObserver<String> requests, String payload) {
    for (String message : payload.split(",")) {
      if (!message.isEmpty()) {
        requests.onNext(message);
      }
    }
    requests.onCompleted();
  }

  private ManagedChannel channel(String channelKind, String serverKind) {
    String key = channelKind + "->" + serverKind;
    ManagedChannel channel = channels.get(key);
    if (channel == null) {
      Server server = servers.get(serverKind);
      if (server == null) {
        throw new IllegalArgumentException("no server " + serverKind);
      }
      boolean inProcess = serverKind.equals("inprocess");
      channel = ChannelKinds.build(channelKind, inProcess ? -1 : server.getPort(), inProcess);
      channels.put(key, channel);
    }
    return channel;
  }

  private static MethodDescriptor<String, String> method(String name) {
    switch (name) {
      case "Unary":
        return EchoService.UNARY;
      case "ServerStream":
        return EchoService.SERVER_STREAM;
      case "ClientStream":
        return EchoService.CLIENT_STREAM;
      case "Bidi":
        return EchoService.BIDI;
      default:
        // A method the server does not have: the call ends UNIMPLEMENTED.
        return EchoService.method(name, MethodDescriptor.MethodType.UNARY);
    }
  }

  /** Collects a call's replies and final status. */
  private static final class Outcome implements StreamObserver<String> {
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicInteger replies = new AtomicInteger();
    private final AtomicReference<Status> status = new AtomicReference<>();

    @Override
    public void onNext(String value) {
      replies.incrementAndGet();
    }

    @Override
    public void onError(Throwable t) {
      status.set(Status.fromThrowable(t));
      done.countDown();
    }

    @Override
    public void onCompleted() {
      status.set(Status.OK);
      done.countDown();
    }

    String await() throws InterruptedException {
      if (!done.await(30, TimeUnit.SECONDS)) {
        return "result TIMEOUT " + replies.get();
      }
      return "result " + status.get().getCode() + " " + replies.get();
    }
  }
}
