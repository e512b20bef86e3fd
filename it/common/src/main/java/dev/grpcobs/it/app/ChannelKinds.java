package dev.grpcobs.it.app;

import io.grpc.ForwardingChannelBuilder;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.inprocess.InProcessChannelBuilder;

/** Every way an application can build a gRPC channel; the agent must catch each one. */
public final class ChannelKinds {

  private ChannelKinds() {}

  /** The channel kinds this application's gRPC class path supports. */
  public static String supported() {
    StringBuilder kinds = new StringBuilder("forAddress forTarget grpc netty nettyShaded inprocess forwarding");
    try {
      Class.forName("io.grpc.okhttp.OkHttpChannelBuilder");
      kinds.append(" okhttp");
    } catch (ClassNotFoundException notOnTheClassPath) {
      // an application without the OkHttp transport
    }
    return kinds.toString();
  }

  /** A channel to {@code target}: a port on loopback, or the in-process server. */
  public static ManagedChannel build(String kind, int port, boolean inProcess) {
    if (inProcess) {
      return InProcessChannelBuilder.forName(ServerKinds.IN_PROCESS_NAME).build();
    }
    switch (kind) {
      case "forAddress":
        return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
      case "forTarget":
        return ManagedChannelBuilder.forTarget("127.0.0.1:" + port).usePlaintext().build();
      case "grpc":
        return Grpc.newChannelBuilder("127.0.0.1:" + port, InsecureChannelCredentials.create())
            .build();
      case "netty":
        return io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", port)
            .usePlaintext()
            .build();
      case "nettyShaded":
        return io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", port)
            .usePlaintext()
            .build();
      case "okhttp":
        return io.grpc.okhttp.OkHttpChannelBuilder.forAddress("127.0.0.1", port)
            .usePlaintext()
            .build();
      case "forwarding":
        return new AppForwardingChannelBuilder(
                ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext())
            .build();
      default:
        throw new IllegalArgumentException("unknown channel kind " + kind);
    }
  }

  /** A builder an application wrote itself, forwarding everything to a real one. */
  static final class AppForwardingChannelBuilder
      extends ForwardingChannelBuilder<AppForwardingChannelBuilder> {
    private final ManagedChannelBuilder<?> delegate;

    AppForwardingChannelBuilder(ManagedChannelBuilder<?> delegate) {
      this.delegate = delegate;
    }

    @Override
    protected ManagedChannelBuilder<?> delegate() {
      return delegate;
    }
  }
}
