package dev.grpcobs.exporter.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcobs.bridge.HealthRegistry;
import dev.grpcobs.bridge.ServerHealth;
import java.util.Arrays;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** Readiness and the JSON the probes answer with, from the bridge's health registry. */
class HealthReportTest {

  @Test
  void readyOnlyWhenEveryKnownServerServes() {
    Object builderA = new Object();
    Object builderB = new Object();
    ServerHealth a = HealthRegistry.create(builderA, "A");
    ServerHealth b = HealthRegistry.create(builderB, "B\"quoted\"\n");
    assertFalse(HealthReport.now().ready(), "built, not started");
    a.started(Collections.singletonList(50051), Arrays.asList("shop.Orders"), false);
    assertFalse(HealthReport.now().ready(), "one of two started");
    b.started(Collections.<Integer>emptyList(), Collections.<String>emptyList(), true);
    assertTrue(HealthReport.now().ready());

    String json = HealthReport.now().toJson("READY", true);
    assertTrue(
        json.contains(
            "{\"id\":" + a.id() + ",\"phase\":\"STARTED\",\"status\":\"SERVING\",\"ports\":[50051],"
                + "\"builder\":\"A\",\"ownHealthService\":false,"
                + "\"services\":{\"\":\"SERVING\",\"shop.Orders\":\"SERVING\"}}"),
        json);
    assertTrue(json.contains("\"builder\":\"B\\\"quoted\\\"\\u000a\""), json);

    a.shuttingDown();
    assertFalse(HealthReport.now().ready());
    assertEquals(ServerHealth.NOT_SERVING, a.status("shop.Orders"));
    assertEquals(ServerHealth.SERVICE_UNKNOWN, a.status("no.Such"));
    b.shuttingDown();
  }
}
