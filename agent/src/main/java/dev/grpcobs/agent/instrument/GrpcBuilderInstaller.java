package dev.grpcobs.agent.instrument;

import dev.grpcobs.agent.AgentLog;
import dev.grpcobs.bridge.BuilderHooks;
import dev.grpcobs.bridge.BuilderInstrumenter;
import dev.grpcobs.bridge.ServerHooks;

/**
 * Called (through {@link BuilderHooks}) when an application builds a gRPC server or channel: finds
 * or creates the helpers for the class loader that defined that builder's {@code io.grpc} API, and
 * lets them add the agent's tracer or interceptor.
 */
public final class GrpcBuilderInstaller
    implements BuilderHooks.Installer, ServerHooks.StartListener {

  static final String SERVER_BUILDER = "io.grpc.ServerBuilder";
  static final String CHANNEL_BUILDER = "io.grpc.ManagedChannelBuilder";
  private static final String INSTRUMENTER = HelperClassLoader.HELPER_PACKAGE + "GrpcInstrumenter";

  private final ClassLoader agentLoader;
  private final boolean servers;
  private final boolean channels;

  /**
   * One helper set per {@code io.grpc} API class. Kept on the class itself so the helpers (which
   * reference the application's loader) never keep an undeployed application alive.
   */
  private final ClassValue<BuilderInstrumenter> instrumenters =
      new ClassValue<BuilderInstrumenter>() {
        @Override
        protected BuilderInstrumenter computeValue(Class<?> grpcApiClass) {
          return createInstrumenter(grpcApiClass.getClassLoader());
        }
      };

  public GrpcBuilderInstaller(ClassLoader agentLoader, boolean servers, boolean channels) {
    this.agentLoader = agentLoader;
    this.servers = servers;
    this.channels = channels;
  }

  @Override
  public void instrumentServer(Object builder) {
    if (servers) {
      instrumenterFor(builder, SERVER_BUILDER).instrumentServer(builder);
      AgentLog.debug("instrumented server builder " + builder.getClass().getName());
    }
  }

  @Override
  public void serverStarted(Object server) {
    instrumenterFor(server, GrpcInstrumentation.SERVER).serverStarted(server);
  }

  @Override
  public void instrumentChannel(Object builder) {
    if (channels) {
      instrumenterFor(builder, CHANNEL_BUILDER).instrumentChannel(builder);
      AgentLog.debug("instrumented channel builder " + builder.getClass().getName());
    }
  }

  /** The helpers of the loader that defined {@code apiClassName} as {@code grpcObject} sees it. */
  private BuilderInstrumenter instrumenterFor(Object grpcObject, String apiClassName) {
    for (Class<?> c = grpcObject.getClass(); c != null; c = c.getSuperclass()) {
      if (c.getName().equals(apiClassName)) {
        return instrumenters.get(anchor(c));
      }
    }
    throw new IllegalStateException(
        grpcObject.getClass().getName() + " does not extend " + apiClassName);
  }

  /**
   * Server, ServerBuilder and ManagedChannelBuilder all live in grpc-api; keying every one of them
   * on ServerBuilder as that loader sees it gives each loader one set of helpers, not three.
   */
  private static Class<?> anchor(Class<?> grpcApiClass) {
    try {
      return Class.forName(SERVER_BUILDER, false, grpcApiClass.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return grpcApiClass;
    }
  }

  private BuilderInstrumenter createInstrumenter(ClassLoader grpcLoader) {
    try {
      Class<?> type =
          Class.forName(INSTRUMENTER, true, new HelperClassLoader(grpcLoader, agentLoader));
      return (BuilderInstrumenter) type.getConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalStateException("cannot load gRPC helpers for " + grpcLoader, e);
    }
  }
}
