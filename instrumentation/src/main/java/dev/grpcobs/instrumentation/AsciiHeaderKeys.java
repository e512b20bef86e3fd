package dev.grpcobs.instrumentation;

import io.grpc.Metadata;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Metadata keys of the few headers the propagators read and write (traceparent, tracestate,
 * baggage, ...), made once rather than validated and allocated again on every traced call.
 */
final class AsciiHeaderKeys {

  private static final int MAX_CACHED = 64;
  private static final ConcurrentMap<String, Metadata.Key<String>> KEYS = new ConcurrentHashMap<>();

  private AsciiHeaderKeys() {}

  static Metadata.Key<String> of(String name) {
    Metadata.Key<String> key = KEYS.get(name);
    if (key == null) {
      key = Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
      if (KEYS.size() < MAX_CACHED) {
        KEYS.putIfAbsent(name, key);
      }
    }
    return key;
  }
}
