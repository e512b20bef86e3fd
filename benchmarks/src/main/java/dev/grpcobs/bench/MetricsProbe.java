package dev.grpcobs.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * Checks that an agent really recorded calls. Without this, an agent that silently failed to instrument
 * the server would cost nothing and pass any overhead budget.
 */
final class MetricsProbe {

    static final String HANDLED_METRIC = "grpc_server_handled_total";

    // Generous, and retried: one slow scrape must not throw away a whole run; every slow one is logged.
    private static final int TIMEOUT_MS = 20_000;
    private static final int ATTEMPTS = 3;
    private static final long SLOW_MS = 1_000;

    private MetricsProbe() {
    }

    /** Throws IllegalStateException unless the exposition at {@code url} has a sample of {@code metric}. */
    static void requireMetric(String server, String url, String metric) throws IOException {
        String body = fetchWithRetries(server, url);
        for (String line : body.split("\n")) {
            if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
                return;
            }
        }
        throw new IllegalStateException(server + " serves no " + metric + " at " + url
                + ": the agent did not record the calls, so its numbers would be meaningless");
    }

    private static String fetchWithRetries(String server, String url) throws IOException {
        for (int attempt = 1; ; attempt++) {
            long start = System.nanoTime();
            try {
                String body = fetch(url);
                long tookMs = (System.nanoTime() - start) / 1_000_000;
                if (tookMs > SLOW_MS) {
                    System.err.println("[bench] " + server + ": GET " + url + " took " + tookMs + " ms");
                }
                return body;
            } catch (IOException e) {
                long tookMs = (System.nanoTime() - start) / 1_000_000;
                String failure = server + ": GET " + url + " failed after " + tookMs + " ms: " + e;
                if (attempt == ATTEMPTS) {
                    throw new IOException(failure, e);
                }
                System.err.println("[bench] " + failure + "; retrying");
            }
        }
    }

    private static String fetch(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        connection.setConnectTimeout(TIMEOUT_MS);
        connection.setReadTimeout(TIMEOUT_MS);
        try {
            if (connection.getResponseCode() != HttpURLConnection.HTTP_OK) {
                throw new IOException("GET " + url + " answered HTTP " + connection.getResponseCode());
            }
            try (InputStream in = connection.getInputStream()) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                byte[] buffer = new byte[8192];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    body.write(buffer, 0, n);
                }
                return new String(body.toByteArray(), StandardCharsets.UTF_8);
            }
        } finally {
            connection.disconnect();
        }
    }
}
