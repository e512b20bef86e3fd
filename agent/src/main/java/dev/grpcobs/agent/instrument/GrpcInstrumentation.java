package dev.grpcobs.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.failSafe;
import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.grpcobs.agent.AgentLog;
import java.lang.instrument.Instrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.utility.JavaModule;

/**
 * Weaves the build advice into every server and channel builder: {@code ServerBuilder.forPort},
 * {@code Grpc.newServerBuilderForPort}, Netty, Netty-shaded, OkHttp, in-process, and any builder an
 * application or library writes itself, forwarding or not. Classes loaded before the agent (late
 * attach) are retransformed.
 */
public final class GrpcInstrumentation {

  private GrpcInstrumentation() {}

  static final String SERVER = "io.grpc.Server";

  public static void install(
      Instrumentation inst,
      ClassLoader agentLoader,
      boolean servers,
      boolean channels,
      boolean serverLifecycle) {
    // Advice needs no injected initializers; without this, Byte Buddy's set-up reaches for
    // sun.misc.Unsafe, which recent JDKs warn about on the application's stderr. The property
    // name is relocated with Byte Buddy, so the application's own Byte Buddy is unaffected.
    System.setProperty(Nexus.PROPERTY, "true");
    AgentBuilder builder =
        new AgentBuilder.Default()
            .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
            .disableClassFormatChanges()
            .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
            .with(AgentBuilder.TypeStrategy.Default.DECORATE)
            .with(new TransformationReporter())
            .ignore(
                nameStartsWith("dev.grpcobs.")
                    .or(nameStartsWith("java."))
                    .or(nameStartsWith("javax."))
                    .or(nameStartsWith("jdk."))
                    .or(nameStartsWith("sun."))
                    .or(nameStartsWith("com.sun."))
                    .or(isSynthetic()));
    GrpcVisibleLoaderMatcher grpcVisible = new GrpcVisibleLoaderMatcher();
    if (servers) {
      AgentBuilder.Transformer.ForAdvice serverBuilderAdvice =
          buildAdvice(agentLoader, ServerBuildAdvice.class.getName());
      if (serverLifecycle) {
        serverBuilderAdvice =
            serverBuilderAdvice.advice(
                named("fallbackHandlerRegistry").and(takesArguments(1)).and(not(isAbstract())),
                FallbackRegistryAdvice.class.getName());
      }
      builder = builder
          .type(builderOf(GrpcBuilderInstaller.SERVER_BUILDER), grpcVisible)
          .transform(serverBuilderAdvice);
      if (serverLifecycle) {
        builder = builder
            .type(builderOf(SERVER), grpcVisible)
            .transform(
                new AgentBuilder.Transformer.ForAdvice()
                    .include(agentLoader)
                    .advice(
                        named("start").and(takesArguments(0)).and(not(isAbstract())),
                        ServerStartAdvice.class.getName())
                    .advice(
                        named("shutdown").or(named("shutdownNow"))
                            .and(takesArguments(0)).and(not(isAbstract())),
                        ServerShutdownAdvice.class.getName()));
      }
    }
    if (channels) {
      builder = builder
          .type(builderOf(GrpcBuilderInstaller.CHANNEL_BUILDER), grpcVisible)
          .transform(buildAdvice(agentLoader, ChannelBuildAdvice.class.getName()));
    }
    builder.installOn(inst);
  }

  private static net.bytebuddy.matcher.ElementMatcher.Junction<TypeDescription> builderOf(
      String apiType) {
    return failSafe(hasSuperType(named(apiType)));
  }

  private static AgentBuilder.Transformer.ForAdvice buildAdvice(
      ClassLoader agentLoader, String advice) {
    return new AgentBuilder.Transformer.ForAdvice()
        .include(agentLoader)
        .advice(named("build").and(takesArguments(0)).and(not(isAbstract())), advice);
  }

  /** Transformation failures are reported, never hidden; successes only with debug on. */
  private static final class TransformationReporter extends AgentBuilder.Listener.Adapter {
    @Override
    public void onTransformation(
        TypeDescription type,
        ClassLoader loader,
        JavaModule module,
        boolean loaded,
        DynamicType dynamicType) {
      AgentLog.debug("woven build advice into " + type.getName());
    }

    @Override
    public void onError(
        String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable error) {
      AgentLog.warn("could not instrument " + typeName + ": " + error);
    }
  }
}
