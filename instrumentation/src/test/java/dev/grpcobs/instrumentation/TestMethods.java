package dev.grpcobs.instrumentation;

import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Hand-built descriptors of a tiny {@code test.Svc} with String messages, so no protobuf. */
final class TestMethods {

  static final String SERVICE = "test.Svc";

  static final MethodDescriptor<String, String> UNARY = method(MethodType.UNARY, "Unary");
  static final MethodDescriptor<String, String> SERVER_STREAM =
      method(MethodType.SERVER_STREAMING, "ServerStream");
  static final MethodDescriptor<String, String> CLIENT_STREAM =
      method(MethodType.CLIENT_STREAMING, "ClientStream");
  static final MethodDescriptor<String, String> BIDI =
      method(MethodType.BIDI_STREAMING, "Bidi");

  private TestMethods() {}

  static MethodDescriptor<String, String> method(MethodType type, String methodName) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, methodName))
        .setRequestMarshaller(StringMarshaller.INSTANCE)
        .setResponseMarshaller(StringMarshaller.INSTANCE)
        .build();
  }

  static ServerServiceDefinition.Builder service() {
    return ServerServiceDefinition.builder(SERVICE);
  }

  /** Answers each request with itself. */
  static ServerCalls.UnaryMethod<String, String> echo() {
    return (request, responses) -> {
      responses.onNext(request);
      responses.onCompleted();
    };
  }

  /** {@code test.Svc} with only {@link #UNARY}, answered by {@link #echo()}. */
  static ServerServiceDefinition unaryEchoService() {
    return service().addMethod(UNARY, ServerCalls.asyncUnaryCall(echo())).build();
  }

  private enum StringMarshaller implements MethodDescriptor.Marshaller<String> {
    INSTANCE;

    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[256];
        for (int n; (n = stream.read(buffer)) != -1; ) {
          bytes.write(buffer, 0, n);
        }
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
