package dev.grpcobs.it.stack;

import dev.grpcobs.it.harness.ForkedApp;
import dev.grpcobs.it.harness.Poll;
import dev.grpcobs.it.harness.Scrape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo shop as three local JVMs, each with the agent attached, like the compose file's services:
 * inventory, orders (calling inventory) and a load generator calling orders. Ports are fixed when
 * the stack starts, so inventory can be restarted with other flags and stay the same scrape target.
 */
final class DemoShopProcesses implements AutoCloseable {

  static final String MAIN = "dev.grpcobs.demo.DemoShop";
  static final String INVENTORY = "inventory";
  static final String ORDERS = "orders";
  static final String LOADGEN = "loadgen";

  private final Map<String, String> environment;
  private final int inventoryPort;
  private final int ordersPort;
  /** Job name (= service.name) to agent HTTP port. */
  private final Map<String, Integer> agentPorts = new LinkedHashMap<>();
  private ForkedApp inventory;
  private ForkedApp orders;
  private ForkedApp loadgen;

  private DemoShopProcesses(Map<String, String> environment) throws Exception {
    this.environment = environment;
    this.inventoryPort = PrometheusServer.freePort();
    this.ordersPort = PrometheusServer.freePort();
    for (String job : Arrays.asList(INVENTORY, ORDERS, LOADGEN)) {
      agentPorts.put(job, PrometheusServer.freePort());
    }
  }

  /**
   * Starts inventory (failing {@code inventoryErrorRate} of its calls), orders and a load generator
   * sending {@code rps} calls per second for at most {@code loadSeconds}.
   */
  static DemoShopProcesses start(
      Map<String, String> environment, double inventoryErrorRate, int rps, int loadSeconds) throws Exception {
    DemoShopProcesses shop = new DemoShopProcesses(environment);
    try {
      shop.inventory = shop.startServer(INVENTORY, shop.inventoryArgs(inventoryErrorRate));
      shop.orders =
          shop.startServer(
              ORDERS,
              Arrays.asList(
                  "orders", "--port", Integer.toString(shop.ordersPort),
                  "--inventory", "127.0.0.1:" + shop.inventoryPort,
                  "--latency-ms", "1"));
      shop.loadgen =
          shop.startJvm(
              LOADGEN,
              Arrays.asList(
                  "loadgen", "--target", "127.0.0.1:" + shop.ordersPort,
                  "--rps", Integer.toString(rps), "--duration-s", Integer.toString(loadSeconds),
                  "--concurrency", "16", "--mix", "all"));
      for (String job : shop.agentPorts.keySet()) {
        shop.awaitAgent(job);
      }
      return shop;
    } catch (Exception | Error e) {
      shop.close();
      throw e;
    }
  }

  Map<String, Integer> agentPorts() {
    return agentPorts;
  }

  /** Stops inventory gracefully and starts it again on the same ports, failing {@code errorRate} of calls. */
  void restartInventory(double errorRate) throws Exception {
    stop(inventory);
    inventory = startServer(INVENTORY, inventoryArgs(errorRate));
    awaitAgent(INVENTORY);
  }

  private List<String> inventoryArgs(double errorRate) {
    return Arrays.asList(
        "inventory", "--port", Integer.toString(inventoryPort),
        "--error-rate", Double.toString(errorRate),
        "--latency-ms", "1", "--latency-jitter-ms", "4");
  }

  private ForkedApp startServer(String job, List<String> args) throws Exception {
    String listening = job + " listening on ";
    // A port just released can take a moment to be free again: retry a failed bind.
    for (int attempt = 1; ; attempt++) {
      ForkedApp app = startJvm(job, args);
      List<String> seen =
          Poll.until(
              app::stdoutSeen,
              lines -> !app.isAlive() || lines.stream().anyMatch(l -> l.startsWith(listening)),
              60);
      if (seen.stream().anyMatch(l -> l.startsWith(listening))) {
        return app;
      }
      stop(app);
      if (attempt == 5) {
        throw new AssertionError(
            job + " did not start: stdout " + app.stdoutSeen() + "\nstderr " + app.stderr());
      }
      Thread.sleep(1000);
    }
  }

  private ForkedApp startJvm(String job, List<String> args) throws Exception {
    String agentArgs = "service.name=" + job + ",http.port=" + agentPorts.get(job);
    return ForkedApp.start(
        ForkedApp.withAgent(agentArgs), Repo.demoJar().toString(), MAIN, args, environment);
  }

  /** Waits until the agent of {@code job} answers /metrics. */
  private void awaitAgent(String job) throws Exception {
    int port = agentPorts.get(job);
    Boolean up =
        Poll.until(
            () -> {
              try {
                return Scrape.of(port).has("grpcobs_agent_info");
              } catch (java.io.IOException notYet) {
                return false;
              }
            },
            ok -> ok,
            60);
    if (!up) {
      throw new AssertionError("the agent of " + job + " never answered on port " + port);
    }
  }

  private static void stop(ForkedApp app) throws Exception {
    if (app == null) {
      return;
    }
    if (app.isAlive()) {
      app.terminate();
      app.awaitExit(30);
    }
    app.close();
  }

  @Override
  public void close() throws Exception {
    List<Exception> failures = new ArrayList<>();
    for (ForkedApp app : Arrays.asList(loadgen, orders, inventory)) {
      try {
        stop(app);
      } catch (Exception e) {
        failures.add(e);
      }
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }
}
