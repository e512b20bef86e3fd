package dev.grpcobs.instrumentation;

import dev.grpcobs.bridge.ServerHealth;
import io.grpc.HandlerRegistry;
import io.grpc.ServerMethodDefinition;

/**
 * Serves the agent's health service as a fallback: the server consults it only for methods its
 * own registry lacks, so an application that registers its own {@code grpc.health.v1.Health}
 * keeps answering with it. An application's own fallback registry is asked first.
 */
final class HealthFallbackRegistry extends HandlerRegistry {

  private final HandlerRegistry applicationFallback;
  private final ServerMethodDefinition<?, ?> check;
  private final ServerMethodDefinition<?, ?> watch;

  HealthFallbackRegistry(HandlerRegistry applicationFallback, ServerHealth health) {
    this.applicationFallback = applicationFallback;
    this.check = HealthService.check(health);
    this.watch = HealthService.watch(health);
  }

  @Override
  public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
    if (applicationFallback != null) {
      ServerMethodDefinition<?, ?> method = applicationFallback.lookupMethod(methodName, authority);
      if (method != null) {
        return method;
      }
    }
    if (methodName.equals(HealthService.CHECK.getFullMethodName())) {
      return check;
    }
    if (methodName.equals(HealthService.WATCH.getFullMethodName())) {
      return watch;
    }
    return null;
  }
}
