package dev.grpcobs.instrumentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The hand-written grpc.health.v1 wire format, byte for byte as protobuf encodes it. */
class HealthMessagesTest {

  private final HealthMessages.RequestMarshaller requests = new HealthMessages.RequestMarshaller();
  private final HealthMessages.ResponseMarshaller responses = new HealthMessages.ResponseMarshaller();

  private static byte[] bytes(InputStream in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      out.write(b);
    }
    return out.toByteArray();
  }

  private static InputStream stream(int... bytes) {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      b[i] = (byte) bytes[i];
    }
    return new ByteArrayInputStream(b);
  }

  @Test
  void requestsEncodeTheServiceAsField1() throws Exception {
    assertArrayEquals(new byte[] {0x0a, 0x03, 'a', '.', 'B'}, bytes(requests.stream("a.B")));
    assertArrayEquals(new byte[0], bytes(requests.stream("")), "proto3 omits the default");
  }

  @Test
  void requestsParseAndSkipUnknownFields() {
    assertEquals("a.B", requests.parse(stream(0x0a, 0x03, 'a', '.', 'B')));
    assertEquals("", requests.parse(stream()));
    // field 2 varint 150, field 3 length-delimited "xy", then field 1
    assertEquals("s", requests.parse(stream(0x10, 0x96, 0x01, 0x1a, 0x02, 'x', 'y', 0x0a, 0x01, 's')));
  }

  @Test
  void malformedRequestsAreInvalidArgument() {
    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> requests.parse(stream(0x0a, 0x05, 'a')));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertThrows(StatusRuntimeException.class, () -> requests.parse(stream(0x0a, 0x80)));
    assertThrows(StatusRuntimeException.class, () -> requests.parse(stream(0x0f)));
  }

  @Test
  void responsesEncodeTheStatusAsVarintField1() throws Exception {
    assertArrayEquals(new byte[] {0x08, 0x01}, bytes(responses.stream(1)));
    assertArrayEquals(new byte[] {0x08, 0x03}, bytes(responses.stream(3)));
    assertArrayEquals(new byte[0], bytes(responses.stream(0)));
    assertEquals(2, (int) responses.parse(stream(0x08, 0x02)));
    assertEquals(0, (int) responses.parse(stream()));
  }
}
