package dev.grpcobs.exporter.tracing;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Collections;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Adapts the bridge's header functions to OpenTelemetry's propagation API. gRPC metadata keys are
 * lower case (HTTP/2), while some propagators name theirs in mixed case ({@code X-B3-TraceId}), so
 * names are lower-cased both ways; {@link String#toLowerCase(Locale)} returns the same instance
 * when there is nothing to change.
 */
final class HeaderCarriers {

  static final TextMapGetter<Function<String, String>> GETTER =
      new TextMapGetter<Function<String, String>>() {
        @Override
        public Iterable<String> keys(Function<String, String> carrier) {
          // The bridge reads headers by name only; propagators that enumerate headers (Jaeger's
          // uberctx-* baggage) therefore see none.
          return Collections.emptyList();
        }

        @Override
        public String get(Function<String, String> carrier, String key) {
          if (carrier == null || key == null) {
            return null;
          }
          return carrier.apply(key.toLowerCase(Locale.ROOT));
        }
      };

  static final TextMapSetter<BiConsumer<String, String>> SETTER =
      (carrier, key, value) -> {
        if (carrier != null && key != null && value != null) {
          carrier.accept(key.toLowerCase(Locale.ROOT), value);
        }
      };

  private HeaderCarriers() {}
}
