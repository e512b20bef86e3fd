package dev.grpcobs.exporter.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RpcAttributesTest {

  private final RpcAttributes attributes = new RpcAttributes();

  private static Map<AttributeKey<?>, Object> map(Object... keysAndValues) {
    Map<AttributeKey<?>, Object> map = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((AttributeKey<?>) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  @Test
  void splitsTheFullMethodName() {
    assertEquals(
        map(
            RpcAttributes.RPC_SYSTEM, "grpc",
            RpcAttributes.RPC_SERVICE, "shop.v1.Orders",
            RpcAttributes.RPC_METHOD, "PlaceOrder"),
        attributes.method("shop.v1.Orders/PlaceOrder").asMap());
    assertEquals(
        map(RpcAttributes.RPC_SYSTEM, "grpc", RpcAttributes.RPC_SERVICE, "NoSlash"),
        attributes.method("NoSlash").asMap());
    assertEquals(map(RpcAttributes.RPC_SYSTEM, "grpc"), attributes.method(null).asMap());
    assertEquals(
        map(RpcAttributes.RPC_SYSTEM, "grpc", RpcAttributes.RPC_METHOD, "M"),
        attributes.method("/M").asMap());
  }

  @Test
  void cachesPerMethodUpToABound() {
    Attributes first = attributes.method("a.B/C");
    assertSame(first, attributes.method("a.B/C"));
    for (int i = 0; i < RpcAttributes.MAX_CACHED + 10; i++) {
      attributes.method("random.Service/M" + i);
    }
    Attributes uncached = attributes.method("late.Service/M");
    assertEquals(uncached, attributes.method("late.Service/M"));
    assertSame(first, attributes.method("a.B/C"));
  }

  @Test
  void parsesAuthorities() {
    assertEquals(
        map(RpcAttributes.SERVER_ADDRESS, "inventory", RpcAttributes.SERVER_PORT, 50051L),
        RpcAttributes.computeAuthority("inventory:50051").asMap());
    assertEquals(
        map(RpcAttributes.SERVER_ADDRESS, "::1", RpcAttributes.SERVER_PORT, 8443L),
        RpcAttributes.computeAuthority("[::1]:8443").asMap());
    assertEquals(
        map(RpcAttributes.SERVER_ADDRESS, "::1"),
        RpcAttributes.computeAuthority("[::1]").asMap());
    assertEquals(
        map(RpcAttributes.SERVER_ADDRESS, "fe80::1"),
        RpcAttributes.computeAuthority("fe80::1").asMap());
    assertEquals(
        map(RpcAttributes.SERVER_ADDRESS, "example.com"),
        RpcAttributes.computeAuthority("example.com").asMap());
    assertEquals(
        map(RpcAttributes.SERVER_ADDRESS, "example.com", RpcAttributes.SERVER_PORT, 443L),
        RpcAttributes.computeAuthority("user@example.com:443").asMap());
    assertEquals(
        map(RpcAttributes.SERVER_ADDRESS, "example.com"),
        RpcAttributes.computeAuthority("example.com:99999").asMap());
    assertEquals(
        map(RpcAttributes.SERVER_ADDRESS, "example.com"),
        RpcAttributes.computeAuthority("example.com:http").asMap());
    assertEquals(Attributes.empty(), attributes.authority(null));
    assertEquals(Attributes.empty(), attributes.authority(""));
  }
}
