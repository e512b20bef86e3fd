package dev.grpcobs.agent.instrument;

import dev.grpcobs.bridge.BuilderHooks;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/** Woven into every {@code io.grpc.ServerBuilder} subtype's {@code build()}. */
public final class ServerBuildAdvice {

  private ServerBuildAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static boolean enter(@Advice.This Object builder) {
    BuilderHooks.serverBuildEnter(builder);
    return true;
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(
      @Advice.Enter boolean entered,
      @Advice.This Object builder,
      @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object server) {
    if (entered) {
      BuilderHooks.serverBuildExit(builder, server);
    }
  }
}
