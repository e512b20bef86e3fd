package dev.grpcobs.agent.instrument;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * A cheap pre-filter before the type matchers: only class loaders that can see gRPC's API at all
 * are worth resolving type hierarchies in. Answers are cached per loader, weakly.
 */
final class GrpcVisibleLoaderMatcher extends ElementMatcher.Junction.AbstractBase<ClassLoader> {

  private static final String GRPC_API_CLASS = "io/grpc/ServerBuilder.class";
  private static final String GRPC_CHANNEL_CLASS = "io/grpc/ManagedChannelBuilder.class";

  private final Map<ClassLoader, Boolean> cache =
      Collections.synchronizedMap(new WeakHashMap<ClassLoader, Boolean>());

  @Override
  public boolean matches(ClassLoader loader) {
    if (loader == null) {
      return false;
    }
    Boolean known = cache.get(loader);
    if (known == null) {
      known = canSee(loader, GRPC_API_CLASS) || canSee(loader, GRPC_CHANNEL_CLASS);
      cache.put(loader, known);
    }
    return known;
  }

  private static boolean canSee(ClassLoader loader, String resource) {
    try {
      return loader.getResource(resource) != null;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
