package dev.grpcobs.agent.instrument;

import dev.grpcobs.bridge.BuilderHooks;
import net.bytebuddy.asm.Advice;

/** Woven into every {@code io.grpc.ServerBuilder} subtype's {@code build()}. */
public final class ServerBuildAdvice {

  private ServerBuildAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static boolean enter(@Advice.This Object builder) {
    BuilderHooks.serverBuildEnter(builder);
    return true;
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(@Advice.Enter boolean entered) {
    if (entered) {
      BuilderHooks.serverBuildExit();
    }
  }
}
