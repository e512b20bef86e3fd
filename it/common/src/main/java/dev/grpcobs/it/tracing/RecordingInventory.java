package dev.grpcobs.it.tracing;

import dev.grpcobs.it.app.EchoService.StringMarshaller;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for the demo shop's inventory ({@code shop.Inventory/Reserve}) inside the test JVM and
 * records the request headers it gets, so a test can see exactly what an instrumented caller
 * propagates. It answers every reservation with an empty reply, which protobuf reads as the
 * default {@code ReserveReply}; requests are not decoded at all.
 */
final class RecordingInventory implements AutoCloseable {

  static final MethodDescriptor<String, String> RESERVE =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("shop.Inventory/Reserve")
          .setRequestMarshaller(StringMarshaller.INSTANCE)
          .setResponseMarshaller(StringMarshaller.INSTANCE)
          .build();

  private final BlockingQueue<Metadata> requestHeaders = new LinkedBlockingQueue<>();
  private final Server server;

  private RecordingInventory() throws IOException {
    ServerServiceDefinition inventory =
        ServerServiceDefinition.builder("shop.Inventory")
            .addMethod(
                RESERVE,
                ServerCalls.asyncUnaryCall(
                    (request, reply) -> {
                      reply.onNext("");
                      reply.onCompleted();
                    }))
            .build();
    ServerInterceptor recorder =
        new ServerInterceptor() {
          @Override
          public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
              ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
            requestHeaders.add(headers);
            return next.startCall(call, headers);
          }
        };
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(ServerInterceptors.intercept(inventory, recorder))
            .build()
            .start();
  }

  static RecordingInventory start() throws IOException {
    return new RecordingInventory();
  }

  int port() {
    return server.getPort();
  }

  /** The headers of the next call received, waiting for it if needed. */
  Metadata awaitRequestHeaders(long timeoutSeconds) throws InterruptedException {
    Metadata headers = requestHeaders.poll(timeoutSeconds, TimeUnit.SECONDS);
    if (headers == null) {
      throw new AssertionError("the inventory got no call within " + timeoutSeconds + " s");
    }
    return headers;
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
