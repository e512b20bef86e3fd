package dev.grpcobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcobs.it.app.ScenarioApp;
import dev.grpcobs.it.harness.ForkedApp;
import dev.grpcobs.it.harness.Poll;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's health exposure, checked from outside with the official {@code grpc.health.v1}
 * client (grpc-services, generated from health.proto) and plain HTTP, against an application
 * that has no protobuf on its class path.
 */
public abstract class HealthSuite {

  private ForkedApp app;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (app != null) {
      app.close();
    }
  }

  private int start(String classpath, String agentArgs, String... appArgs) throws Exception {
    app =
        ForkedApp.start(
            ForkedApp.withAgent("http.port=0,http.host=127.0.0.1" + agentArgs),
            classpath,
            ScenarioApp.class.getName(),
            Arrays.asList(appArgs));
    String port = app.awaitLine(line -> line.startsWith("server grpc "), 60).substring(12);
    app.awaitLine(line -> line.equals("ready"), 60);
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", Integer.parseInt(port)).usePlaintext().build();
    return app.agentPort();
  }

  private HealthGrpc.HealthBlockingStub health() {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static HealthCheckRequest service(String name) {
    return HealthCheckRequest.newBuilder().setService(name).build();
  }

  @Test
  void checkFollowsTheHealthCheckingProtocolWithoutProtobufInTheApplication() throws Exception {
    start(ForkedApp.appClasspathWithoutProtobuf(), "", "grpc");
    assertTrue(app.stdoutSeen().contains("protobuf-on-classpath=false"), app.stdoutSeen().toString());
    assertEquals(ServingStatus.SERVING, health().check(service("")).getStatus());
    assertEquals(ServingStatus.SERVING, health().check(service("test.Echo")).getStatus());
    try {
      health().check(service("no.Such"));
      throw new AssertionError("Check of an unknown service must fail");
    } catch (StatusRuntimeException e) {
      assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    }
  }

  @Test
  void watchSeesTheStatusAndEveryChangeUntilShutdown() throws Exception {
    start(ForkedApp.appClasspathWithoutProtobuf(), "", "grpc");
    BlockingQueue<Object> whole = watch("");
    BlockingQueue<Object> unknown = watch("no.Such");
    assertEquals(ServingStatus.SERVING, whole.poll(10, TimeUnit.SECONDS));
    assertEquals(ServingStatus.SERVICE_UNKNOWN, unknown.poll(10, TimeUnit.SECONDS));

    assertEquals("result SHUTDOWN 0", app.send("shutdown grpc"));
    assertEquals(ServingStatus.NOT_SERVING, whole.poll(10, TimeUnit.SECONDS));
    Object end = whole.poll(10, TimeUnit.SECONDS);
    assertTrue(end instanceof Status && ((Status) end).getCode() == Status.Code.UNAVAILABLE, "the watch ends: " + end);
  }

  /** Messages of a Watch call as they arrive, then its final Status. */
  private BlockingQueue<Object> watch(String name) {
    final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    HealthGrpc.newStub(channel)
        .watch(
            service(name),
            new StreamObserver<HealthCheckResponse>() {
              @Override
              public void onNext(HealthCheckResponse value) {
                events.add(value.getStatus());
              }

              @Override
              public void onError(Throwable t) {
                events.add(Status.fromThrowable(t));
              }

              @Override
              public void onCompleted() {
                events.add(Status.OK);
              }
            });
    return events;
  }

  @Test
  void httpProbesFollowTheServers() throws Exception {
    int port = start(ForkedApp.appClasspathWithoutProtobuf(), "", "grpc");
    assertEquals(200, http(port, "/health/live").code);
    Http ready = http(port, "/health/ready");
    assertEquals(200, ready.code, ready.body);
    assertTrue(ready.body.startsWith("{\"status\":\"READY\",\"servers\":[{\"id\":1,\"phase\":\"STARTED\",\"status\":\"SERVING\",\"ports\":["), ready.body);
    Http detail = http(port, "/health");
    assertTrue(detail.body.contains("\"services\":{\"\":\"SERVING\",\"test.Echo\":\"SERVING\"}"), detail.body);
    assertTrue(detail.body.contains("\"ownHealthService\":false"), detail.body);

    app.send("shutdown grpc");
    Http notReady = Poll.until(() -> http(port, "/health/ready"), h -> h.code == 503, 10);
    assertEquals(503, notReady.code);
    assertTrue(notReady.body.contains("\"status\":\"NOT_READY\""), notReady.body);
    assertEquals(200, http(port, "/health/live").code, "still alive while not ready");
    assertTrue(Poll.until(() -> http(port, "/metrics").body, b -> b.contains("grpcobs_server_serving{port="), 10)
        .contains("grpcobs_server_health_transitions_total{status=\"NOT_SERVING\"} 1.0"));
    List<String> stderr = app.stderr();
    assertTrue(stderr.stream().anyMatch(l -> l.matches("\\[grpc-observability-agent\\] gRPC server #1 \\[\\d+\\] is NOT_SERVING")), stderr.toString());
  }

  @Test
  void aServerBuiltButNotStartedIsNotReady() throws Exception {
    app =
        ForkedApp.start(
            ForkedApp.withAgent("http.port=0,http.host=127.0.0.1"),
            ForkedApp.appClasspathWithoutProtobuf(),
            ScenarioApp.class.getName(),
            Arrays.asList("--start-delay-ms=3000", "grpc"));
    app.awaitLine(line -> line.equals("built grpc"), 60);
    int port = app.agentPort();
    Http before = http(port, "/health/ready");
    assertEquals(503, before.code, before.body);
    assertTrue(before.body.contains("\"phase\":\"BUILT\",\"status\":\"NOT_SERVING\""), before.body);
    app.awaitLine(line -> line.equals("ready"), 60);
    assertEquals(200, Poll.until(() -> http(port, "/health/ready"), h -> h.code == 200, 10).code);
  }

  @Test
  void anApplicationsOwnHealthServiceStaysInCharge() throws Exception {
    start(ForkedApp.appClasspath(), "", "--own-health", "grpc");
    // Only the application's grpc-services HealthStatusManager knows this service.
    assertEquals(ServingStatus.SERVING, health().check(service("app.OwnHealthOnly")).getStatus());
    assertTrue(
        app.stderr().stream().anyMatch(l -> l.endsWith("registers its own grpc.health.v1.Health; the agent leaves it in charge of gRPC health checks")),
        app.stderr().toString());
  }

  @Test
  void sigtermFlipsReadinessBeforeInFlightCallsComplete() throws Exception {
    int port = start(ForkedApp.appClasspathWithoutProtobuf(), ",health.drain.seconds=3", "grpc");
    assertEquals(200, http(port, "/health/ready").code);
    app.sendAsync("call grpc grpc Unary 0 sleep:2500");
    String inFlight =
        "grpc_server_in_flight_calls{grpc_method=\"Unary\",grpc_service=\"test.Echo\",grpc_type=\"unary\"} 1.0";
    assertTrue(
        Poll.until(() -> http(port, "/metrics").body, b -> b.contains(inFlight), 20).contains(inFlight),
        "the slow call is in flight on the server");
    app.terminate();
    Http notReady = Poll.until(() -> http(port, "/health/ready"), h -> h.code == 503, 10);
    assertEquals(503, notReady.code);
    assertEquals(ServingStatus.NOT_SERVING, health().check(service("")).getStatus(), "gRPC health during the drain");
    assertFalse(app.stdoutSeen().contains("result OK 1"), "the in-flight call is still running: " + app.stdoutSeen());
    List<String> rest = new java.util.ArrayList<>();
    app.awaitLine(line -> rest.add(line) && line.equals("app shutdown hook: servers terminated"), 30);
    assertTrue(rest.contains("result OK 1"), "the in-flight call completed: " + rest);
    assertNotNull(app.awaitExit(20));
  }

  private static final class Http {
    final int code;
    final String body;

    Http(int code, String body) {
      this.code = code;
      this.body = body;
    }
  }

  private static Http http(int port, String path) throws Exception {
    HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
    c.setConnectTimeout(5000);
    c.setReadTimeout(5000);
    try {
      int code = c.getResponseCode();
      InputStream in = code >= 400 ? c.getErrorStream() : c.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (in != null) {
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) != -1) {
          out.write(buffer, 0, n);
        }
        in.close();
      }
      return new Http(code, new String(out.toByteArray(), StandardCharsets.UTF_8));
    } finally {
      c.disconnect();
    }
  }
}
