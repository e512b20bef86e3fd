package dev.grpcobs.it.app;

import io.grpc.ForwardingServerBuilder;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.inprocess.InProcessServerBuilder;

/** Every way an application can build a gRPC server; the agent must catch each one. */
public final class ServerKinds {

  public static final String IN_PROCESS_NAME = "grpcobs-it-inprocess";

  private ServerKinds() {}

  /** A builder listening on an ephemeral port (or the in-process name), or null if unsupported. */
  public static ServerBuilder<?> builder(String kind) throws Exception {
    switch (kind) {
      case "forPort":
        return ServerBuilder.forPort(0);
      case "grpc":
        return Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create());
      case "netty":
        return io.grpc.netty.NettyServerBuilder.forPort(0);
      case "nettyShaded":
        return io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forPort(0);
      case "okhttp":
        return okHttpServerBuilder();
      case "inprocess":
        return InProcessServerBuilder.forName(IN_PROCESS_NAME);
      case "forwarding":
        return new AppForwardingServerBuilder(
            io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forPort(0));
      default:
        throw new IllegalArgumentException("unknown server kind " + kind);
    }
  }

  /** OkHttp servers only exist in newer gRPC versions; looked up reflectively. */
  private static ServerBuilder<?> okHttpServerBuilder() throws Exception {
    Class<?> type;
    try {
      type = Class.forName("io.grpc.okhttp.OkHttpServerBuilder");
    } catch (ClassNotFoundException | LinkageError notInThisVersion) {
      return null;
    }
    return (ServerBuilder<?>)
        type.getMethod("forPort", int.class, ServerCredentials.class)
            .invoke(null, 0, InsecureServerCredentials.create());
  }

  /** A builder an application wrote itself, forwarding everything to a real one. */
  static final class AppForwardingServerBuilder
      extends ForwardingServerBuilder<AppForwardingServerBuilder> {
    private final ServerBuilder<?> delegate;

    AppForwardingServerBuilder(ServerBuilder<?> delegate) {
      this.delegate = delegate;
    }

    @Override
    protected ServerBuilder<?> delegate() {
      return delegate;
    }
  }
}
