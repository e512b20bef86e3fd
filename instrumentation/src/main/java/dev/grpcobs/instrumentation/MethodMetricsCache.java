package dev.grpcobs.instrumentation;

import dev.grpcobs.bridge.CallMetrics;
import dev.grpcobs.bridge.Telemetry;
import io.grpc.MethodDescriptor;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;

/**
 * Per-side cache from method descriptor to its instruments, so a call does one identity-keyed
 * lookup instead of building label values. Descriptors are long-lived (one per generated method).
 */
final class MethodMetricsCache {

  private final boolean server;
  private final BiConsumer<String, CallMetrics> onLookedUp;
  private final ConcurrentMap<MethodDescriptor<?, ?>, CallMetrics> byMethod =
      new ConcurrentHashMap<>();

  MethodMetricsCache(boolean server) {
    this(server, (name, metrics) -> {});
  }

  /**
   * @param onLookedUp told the full method name and instruments each time a descriptor is looked
   *     up in the exporter rather than found here: once per method, not per call
   */
  MethodMetricsCache(boolean server, BiConsumer<String, CallMetrics> onLookedUp) {
    this.server = server;
    this.onLookedUp = onLookedUp;
  }

  CallMetrics get(MethodDescriptor<?, ?> method) {
    CallMetrics metrics = byMethod.get(method);
    if (metrics != null) {
      return metrics;
    }
    String fullName = method.getFullMethodName();
    metrics =
        Telemetry.metrics()
            .method(
                server,
                MethodLabels.service(fullName),
                MethodLabels.method(fullName),
                MethodLabels.type(method.getType()));
    // Dynamically created descriptors (proxies, reflection clients) must not grow this map
    // without bound; the exporter folds their labels anyway, so stop caching past a limit.
    if (byMethod.size() < 4096) {
      CallMetrics previous = byMethod.putIfAbsent(method, metrics);
      if (previous != null) {
        metrics = previous;
      }
    }
    onLookedUp.accept(fullName, metrics);
    return metrics;
  }
}
