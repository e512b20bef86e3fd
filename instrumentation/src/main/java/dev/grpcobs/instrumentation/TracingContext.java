package dev.grpcobs.instrumentation;

import dev.grpcobs.bridge.RpcTracing.RpcSpan;
import io.grpc.Context;

/**
 * Where the span of the call being handled lives: in gRPC's own {@link Context}, which the
 * application already carries across threads ({@code Context.current().wrap(...)},
 * context-propagating executors), so calls it makes from there become children of that span.
 */
final class TracingContext {

  static final Context.Key<RpcSpan> SPAN = Context.key("grpcobs-span");

  private TracingContext() {}

  /** The span of the server call handled in the current gRPC context, or null. */
  static RpcSpan current() {
    return SPAN.get();
  }
}
