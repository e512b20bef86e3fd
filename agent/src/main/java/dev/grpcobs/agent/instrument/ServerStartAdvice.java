package dev.grpcobs.agent.instrument;

import dev.grpcobs.bridge.ServerHooks;
import net.bytebuddy.asm.Advice;

/** Woven into {@code io.grpc.Server.start()}: a server that started is SERVING. */
public final class ServerStartAdvice {

  private ServerStartAdvice() {}

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(@Advice.This Object server, @Advice.Thrown Throwable thrown) {
    if (thrown == null) {
      ServerHooks.started(server);
    }
  }
}
