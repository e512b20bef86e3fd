package dev.grpcobs.agent.instrument;

import dev.grpcobs.bridge.BuilderHooks;
import net.bytebuddy.asm.Advice;

/** Woven into every {@code io.grpc.ManagedChannelBuilder} subtype's {@code build()}. */
public final class ChannelBuildAdvice {

  private ChannelBuildAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static boolean enter(@Advice.This Object builder) {
    BuilderHooks.channelBuildEnter(builder);
    return true;
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(@Advice.Enter boolean entered) {
    if (entered) {
      BuilderHooks.channelBuildExit();
    }
  }
}
