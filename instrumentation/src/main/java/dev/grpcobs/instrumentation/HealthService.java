package dev.grpcobs.instrumentation;

import dev.grpcobs.bridge.ServerHealth;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;

/**
 * The standard {@code grpc.health.v1.Health} service ({@code Check} and {@code Watch}) answering
 * from one server's {@link ServerHealth}, written against grpc-api alone: no generated code, no
 * grpc-services, no protobuf-java needed in the application.
 */
final class HealthService {

  static final String SERVICE_NAME = "grpc.health.v1.Health";

  static final MethodDescriptor<String, Integer> CHECK =
      method("Check", MethodDescriptor.MethodType.UNARY);
  static final MethodDescriptor<String, Integer> WATCH =
      method("Watch", MethodDescriptor.MethodType.SERVER_STREAMING);

  private HealthService() {}

  private static MethodDescriptor<String, Integer> method(
      String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<String, Integer>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE_NAME, name))
        .setRequestMarshaller(new HealthMessages.RequestMarshaller())
        .setResponseMarshaller(new HealthMessages.ResponseMarshaller())
        .build();
  }

  static ServerMethodDefinition<String, Integer> check(ServerHealth health) {
    return ServerMethodDefinition.create(CHECK, new CheckHandler(health));
  }

  static ServerMethodDefinition<String, Integer> watch(ServerHealth health) {
    return ServerMethodDefinition.create(WATCH, new WatchHandler(health));
  }

  /** Collects the single request message of a call, then acts on half-close. */
  private abstract static class SingleRequestListener extends ServerCall.Listener<String> {
    private final ServerCall<String, Integer> call;
    private String request;

    SingleRequestListener(ServerCall<String, Integer> call) {
      this.call = call;
    }

    @Override
    public void onMessage(String message) {
      if (request != null) {
        call.close(Status.INTERNAL.withDescription("more than one request"), new Metadata());
        return;
      }
      request = message;
    }

    @Override
    public void onHalfClose() {
      if (request == null) {
        call.close(Status.INTERNAL.withDescription("no request"), new Metadata());
        return;
      }
      onRequest(request);
    }

    abstract void onRequest(String service);
  }

  private static final class CheckHandler implements ServerCallHandler<String, Integer> {
    private final ServerHealth health;

    CheckHandler(ServerHealth health) {
      this.health = health;
    }

    @Override
    public ServerCall.Listener<String> startCall(
        final ServerCall<String, Integer> call, Metadata headers) {
      call.request(2);
      return new SingleRequestListener(call) {
        @Override
        void onRequest(String service) {
          int status = health.status(service);
          if (status == ServerHealth.SERVICE_UNKNOWN) {
            call.close(
                Status.NOT_FOUND.withDescription("unknown service " + service), new Metadata());
            return;
          }
          call.sendHeaders(new Metadata());
          call.sendMessage(status);
          call.close(Status.OK, new Metadata());
        }
      };
    }
  }

  private static final class WatchHandler implements ServerCallHandler<String, Integer> {
    private final ServerHealth health;

    WatchHandler(ServerHealth health) {
      this.health = health;
    }

    @Override
    public ServerCall.Listener<String> startCall(
        final ServerCall<String, Integer> call, Metadata headers) {
      call.request(2);
      final Watcher watcher = new Watcher(call, health);
      return new SingleRequestListener(call) {
        @Override
        void onRequest(String service) {
          watcher.start(service);
        }

        @Override
        public void onCancel() {
          watcher.stop();
        }

        @Override
        public void onComplete() {
          watcher.stop();
        }
      };
    }
  }

  /**
   * One open {@code Watch}: sends the current status, then every change of it. When the server
   * starts shutting down the watcher sends NOT_SERVING and ends the stream, so open watches never
   * hold up a graceful shutdown.
   */
  private static final class Watcher implements ServerHealth.Listener {
    private final ServerCall<String, Integer> call;
    private final ServerHealth health;
    private String service;
    private Integer lastSent;
    private boolean closed;

    Watcher(ServerCall<String, Integer> call, ServerHealth health) {
      this.call = call;
      this.health = health;
    }

    synchronized void start(String watchedService) {
      service = watchedService;
      call.sendHeaders(new Metadata());
      health.addListener(this);
      send(health.status(service));
    }

    synchronized void stop() {
      closed = true;
      health.removeListener(this);
    }

    @Override
    public synchronized void statusChanged(String changedService, int status) {
      if (closed || !changedService.equals(service)) {
        return;
      }
      send(status);
    }

    private void send(int status) {
      if (closed || (lastSent != null && lastSent == status)) {
        return;
      }
      lastSent = status;
      call.sendMessage(status);
      if (health.phase() == ServerHealth.Phase.SHUTTING_DOWN
          || health.phase() == ServerHealth.Phase.TERMINATED) {
        closed = true;
        health.removeListener(this);
        call.close(Status.UNAVAILABLE.withDescription("server is shutting down"), new Metadata());
      }
    }
  }
}
