package dev.grpcobs.instrumentation;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The two messages of {@code grpc.health.v1} in protobuf's wire format, written by hand so the
 * health service works in applications without protobuf-java (or with its lite flavour):
 * {@code HealthCheckRequest { string service = 1; }} and
 * {@code HealthCheckResponse { ServingStatus status = 1; }}. Unknown fields are skipped, as
 * protobuf parsers do.
 */
final class HealthMessages {

  private static final int SERVICE_FIELD_TAG = (1 << 3) | 2; // field 1, length-delimited
  private static final int STATUS_FIELD_TAG = (1 << 3); // field 1, varint
  private static final int MAX_REQUEST_BYTES = 64 * 1024;

  private HealthMessages() {}

  /** Marshals the requested service name. */
  static final class RequestMarshaller implements MethodDescriptor.Marshaller<String> {
    @Override
    public InputStream stream(String service) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] name = service.getBytes(StandardCharsets.UTF_8);
      if (name.length > 0) {
        writeVarint(out, SERVICE_FIELD_TAG);
        writeVarint(out, name.length);
        out.write(name, 0, name.length);
      }
      return new ByteArrayInputStream(out.toByteArray());
    }

    @Override
    public String parse(InputStream stream) {
      try {
        byte[] bytes = readAll(stream);
        String service = "";
        int[] pos = {0};
        while (pos[0] < bytes.length) {
          long tag = readVarint(bytes, pos);
          int wireType = (int) (tag & 7);
          if (tag == SERVICE_FIELD_TAG) {
            int length = (int) readVarint(bytes, pos);
            checkAvailable(bytes, pos[0], length);
            service = new String(bytes, pos[0], length, StandardCharsets.UTF_8);
            pos[0] += length;
          } else {
            skipField(bytes, pos, wireType);
          }
        }
        return service;
      } catch (IOException | RuntimeException e) {
        throw Status.INVALID_ARGUMENT
            .withDescription("malformed grpc.health.v1.HealthCheckRequest")
            .withCause(e)
            .asRuntimeException();
      }
    }
  }

  /** Marshals the serving status number. */
  static final class ResponseMarshaller implements MethodDescriptor.Marshaller<Integer> {
    @Override
    public InputStream stream(Integer status) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(4);
      if (status != 0) {
        writeVarint(out, STATUS_FIELD_TAG);
        writeVarint(out, status);
      }
      return new ByteArrayInputStream(out.toByteArray());
    }

    @Override
    public Integer parse(InputStream stream) {
      try {
        byte[] bytes = readAll(stream);
        int status = 0;
        int[] pos = {0};
        while (pos[0] < bytes.length) {
          long tag = readVarint(bytes, pos);
          if (tag == STATUS_FIELD_TAG) {
            status = (int) readVarint(bytes, pos);
          } else {
            skipField(bytes, pos, (int) (tag & 7));
          }
        }
        return status;
      } catch (IOException | RuntimeException e) {
        throw Status.INTERNAL.withDescription("malformed HealthCheckResponse").withCause(e).asRuntimeException();
      }
    }
  }

  private static void skipField(byte[] bytes, int[] pos, int wireType) throws IOException {
    switch (wireType) {
      case 0:
        readVarint(bytes, pos);
        break;
      case 1:
        pos[0] += 8;
        break;
      case 2:
        int length = (int) readVarint(bytes, pos);
        checkAvailable(bytes, pos[0], length);
        pos[0] += length;
        break;
      case 5:
        pos[0] += 4;
        break;
      default:
        throw new IOException("unsupported wire type " + wireType);
    }
    if (pos[0] > bytes.length) {
      throw new IOException("truncated message");
    }
  }

  private static void checkAvailable(byte[] bytes, int pos, int length) throws IOException {
    if (length < 0 || pos + length > bytes.length) {
      throw new IOException("truncated message");
    }
  }

  private static long readVarint(byte[] bytes, int[] pos) throws IOException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos[0] >= bytes.length) {
        throw new IOException("truncated varint");
      }
      byte b = bytes[pos[0]++];
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IOException("varint too long");
  }

  private static void writeVarint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7fL) != 0) {
      out.write((int) ((value & 0x7f) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    byte[] buffer = new byte[256];
    int n;
    while ((n = in.read(buffer)) != -1) {
      out.write(buffer, 0, n);
      if (out.size() > MAX_REQUEST_BYTES) {
        throw new IOException("message larger than " + MAX_REQUEST_BYTES + " bytes");
      }
    }
    return out.toByteArray();
  }
}
