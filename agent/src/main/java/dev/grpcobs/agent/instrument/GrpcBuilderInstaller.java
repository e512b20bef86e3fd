package dev.grpcobs.agent.instrument;

import dev.grpcobs.agent.AgentLog;
import dev.grpcobs.bridge.BuilderHooks;
import dev.grpcobs.bridge.BuilderInstrumenter;

/**
 * Called (through {@link BuilderHooks}) when an application builds a gRPC server or channel: finds
 * or creates the helpers for the class loader that defined that builder's {@code io.grpc} API, and
 * lets them add the agent's tracer or interceptor.
 */
public final class GrpcBuilderInstaller implements BuilderHooks.Installer {

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
  public void instrumentChannel(Object builder) {
    if (channels) {
      instrumenterFor(builder, CHANNEL_BUILDER).instrumentChannel(builder);
      AgentLog.debug("instrumented channel builder " + builder.getClass().getName());
    }
  }

  private BuilderInstrumenter instrumenterFor(Object builder, String apiClassName) {
    for (Class<?> c = builder.getClass(); c != null; c = c.getSuperclass()) {
      if (c.getName().equals(apiClassName)) {
        return instrumenters.get(c);
      }
    }
    throw new IllegalStateException(
        builder.getClass().getName() + " does not extend " + apiClassName);
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
