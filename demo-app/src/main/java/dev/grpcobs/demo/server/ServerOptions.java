package dev.grpcobs.demo.server;

/** Per-server knobs for faults and latency. Zero values (the defaults) mean a healthy, fast server. */
public final class ServerOptions {

    private double errorRate;
    private long latencyMs;
    private long latencyJitterMs;
    private long seed = 1;
    private long streamIntervalMs = 10;

    /** Fraction of calls, 0 to 1, that fail with UNAVAILABLE instead of being served. */
    public ServerOptions errorRate(double errorRate) {
        if (!(errorRate >= 0 && errorRate <= 1)) {
            throw new IllegalArgumentException("error rate must be within 0..1, got " + errorRate);
        }
        this.errorRate = errorRate;
        return this;
    }

    /** Time added before each call is served. */
    public ServerOptions latencyMs(long latencyMs) {
        this.latencyMs = requireNonNegative("latency", latencyMs);
        return this;
    }

    /** Upper bound of a random extra delay, uniform in 0..jitter, added on top of {@link #latencyMs}. */
    public ServerOptions latencyJitterMs(long latencyJitterMs) {
        this.latencyJitterMs = requireNonNegative("latency jitter", latencyJitterMs);
        return this;
    }

    /** Seed of the random source that picks failing calls and jitter, so runs can be repeated. */
    public ServerOptions seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Gap between two messages of a server-streaming reply. */
    public ServerOptions streamIntervalMs(long streamIntervalMs) {
        this.streamIntervalMs = requireNonNegative("stream interval", streamIntervalMs);
        return this;
    }

    public double errorRate() {
        return errorRate;
    }

    public long latencyMs() {
        return latencyMs;
    }

    public long latencyJitterMs() {
        return latencyJitterMs;
    }

    public long seed() {
        return seed;
    }

    public long streamIntervalMs() {
        return streamIntervalMs;
    }

    private static long requireNonNegative(String what, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " must not be negative, got " + value);
        }
        return value;
    }
}
