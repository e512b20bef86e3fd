package dev.grpcobs.it.app;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A scriptable service with one method of each gRPC type, built by hand (no code generation) so
 * it compiles against the oldest gRPC and runs on every later one. Requests are plain strings:
 *
 * <ul>
 *   <li>Unary: {@code ok}, {@code fail:CODE}, {@code throw}, {@code sleep:MS},
 *       {@code describe:CODE:HEX} (fails with that description, given as {@link Utf16Hex}),
 *       {@code log:TEXT} (writes TEXT to the application's own log inside the handler, replies it).
 *   <li>ServerStream: {@code N} (N replies then OK), {@code N:fail:CODE}, {@code hang} (never ends).
 *   <li>ClientStream: replies with the number of messages received.
 *   <li>Bidi: echoes every message, ends when the client does.
 * </ul>
 */
public final class EchoService {

  public static final String SERVICE = "test.Echo";

  public static final MethodDescriptor<String, String> UNARY =
      method("Unary", MethodDescriptor.MethodType.UNARY);
  public static final MethodDescriptor<String, String> SERVER_STREAM =
      method("ServerStream", MethodDescriptor.MethodType.SERVER_STREAMING);
  public static final MethodDescriptor<String, String> CLIENT_STREAM =
      method("ClientStream", MethodDescriptor.MethodType.CLIENT_STREAMING);
  public static final MethodDescriptor<String, String> BIDI =
      method("Bidi", MethodDescriptor.MethodType.BIDI_STREAMING);

  private EchoService() {}

  static MethodDescriptor<String, String> method(String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(StringMarshaller.INSTANCE)
        .setResponseMarshaller(StringMarshaller.INSTANCE)
        .build();
  }

  public static ServerServiceDefinition definition(ScheduledExecutorService timer) {
    return ServerServiceDefinition.builder(SERVICE)
        .addMethod(UNARY, ServerCalls.asyncUnaryCall((req, out) -> unary(req, out, timer)))
        .addMethod(SERVER_STREAM, ServerCalls.asyncServerStreamingCall(EchoService::serverStream))
        .addMethod(CLIENT_STREAM, ServerCalls.asyncClientStreamingCall(EchoService::clientStream))
        .addMethod(BIDI, ServerCalls.asyncBidiStreamingCall(EchoService::bidi))
        .build();
  }

  private static void unary(
      String request, StreamObserver<String> out, ScheduledExecutorService timer) {
    if (request.startsWith("fail:")) {
      out.onError(status(request.substring(5)).asRuntimeException());
    } else if (request.startsWith("describe:")) {
      String[] parts = request.split(":", 3);
      out.onError(
          Status.fromCode(Status.Code.valueOf(parts[1]))
              .withDescription(Utf16Hex.decode(parts[2]))
              .asRuntimeException());
    } else if (request.startsWith("log:")) {
      AppLog.info(request.substring(4));
      out.onNext(request.substring(4));
      out.onCompleted();
    } else if (request.equals("throw")) {
      throw new IllegalStateException("handler failure requested by the test");
    } else if (request.startsWith("sleep:")) {
      timer.schedule(
          () -> {
            out.onNext("slept");
            out.onCompleted();
          },
          Long.parseLong(request.substring(6)),
          TimeUnit.MILLISECONDS);
    } else {
      out.onNext(request);
      out.onCompleted();
    }
  }

  private static void serverStream(String request, StreamObserver<String> out) {
    if (request.equals("hang")) {
      return;
    }
    String[] parts = request.split(":", 3);
    int n = Integer.parseInt(parts[0]);
    for (int i = 0; i < n; i++) {
      out.onNext("reply-" + i);
    }
    if (parts.length == 3 && parts[1].equals("fail")) {
      out.onError(status(parts[2]).asRuntimeException());
    } else {
      out.onCompleted();
    }
  }

  private static StreamObserver<String> clientStream(StreamObserver<String> out) {
    return new StreamObserver<String>() {
      private int count;

      @Override
      public void onNext(String value) {
        count++;
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        out.onNext(Integer.toString(count));
        out.onCompleted();
      }
    };
  }

  private static StreamObserver<String> bidi(StreamObserver<String> out) {
    return new StreamObserver<String>() {
      @Override
      public void onNext(String value) {
        out.onNext(value);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        out.onCompleted();
      }
    };
  }

  private static Status status(String code) {
    return Status.fromCode(Status.Code.valueOf(code)).withDescription("requested by the test");
  }

  /** UTF-8 strings on the wire; no protobuf needed. */
  public static final class StringMarshaller implements MethodDescriptor.Marshaller<String> {
    public static final StringMarshaller INSTANCE = new StringMarshaller();

    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = stream.read(buffer)) != -1) {
          out.write(buffer, 0, n);
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw Status.INTERNAL.withCause(e).asRuntimeException();
      }
    }
  }
}
