package dev.grpcobs.instrumentation;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcobs.bridge.CallMetrics;
import dev.grpcobs.bridge.RpcMetrics;
import dev.grpcobs.bridge.Telemetry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServerTracerFactoryTest {

  private RpcMetrics previous;

  @BeforeEach
  void recordMetrics() {
    previous = Telemetry.metrics();
    Telemetry.setMetrics(new RecordingRpcMetrics());
  }

  @AfterEach
  void restoreMetrics() {
    Telemetry.setMetrics(previous);
  }

  @Test
  void aMethodIsKnownByNameOnceDispatchedAndItsUndispatchedCallsUseItsSeries() {
    ServerTracerFactory factory = new ServerTracerFactory();
    String name = TestMethods.UNARY.getFullMethodName();
    CallMetrics unknown = factory.unresolved(name);
    assertFalse(factory.isKnown(name));

    CallMetrics resolved = factory.resolved(TestMethods.UNARY);

    assertTrue(factory.isKnown(name));
    assertSame(resolved, factory.resolved(TestMethods.UNARY));
    assertSame(resolved, factory.unresolved(name));
    assertNotSame(unknown, resolved);
    assertFalse(factory.isKnown("made.Up/Name"));
    assertSame(unknown, factory.unresolved("made.Up/Name"));
  }
}
