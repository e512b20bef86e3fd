package dev.grpcobs.agent.instrument;

import dev.grpcobs.bridge.ServerHooks;
import net.bytebuddy.asm.Advice;

/**
 * Woven into {@code ServerBuilder.fallbackHandlerRegistry(...)}: remembers a fallback registry the
 * application sets, so the agent's health fallback can consult it first instead of replacing it.
 */
public final class FallbackRegistryAdvice {

  private FallbackRegistryAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(@Advice.This Object builder, @Advice.Argument(0) Object registry) {
    ServerHooks.fallbackRegistrySet(builder, registry);
  }
}
