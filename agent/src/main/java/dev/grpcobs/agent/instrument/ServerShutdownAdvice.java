package dev.grpcobs.agent.instrument;

import dev.grpcobs.bridge.ServerHooks;
import net.bytebuddy.asm.Advice;

/**
 * Woven into {@code io.grpc.Server.shutdown()} and {@code shutdownNow()}: NOT_SERVING before the
 * server stops accepting calls and drains the ones in flight.
 */
public final class ServerShutdownAdvice {

  private ServerShutdownAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(@Advice.This Object server) {
    ServerHooks.shuttingDown(server);
  }
}
