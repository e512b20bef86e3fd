package dev.grpcobs.demo.load;

import io.grpc.Status;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Counts and latencies of a load run, or of the part of it seen so far. */
public final class LoadResult {

    private static final double NANOS_PER_MILLI = 1_000_000.0;

    private final long started;
    private final long total;
    private final long ok;
    private final Map<Status.Code, Long> errorsByCode;
    private final long skipped;
    private final long elapsedNanos;
    private final LatencyHistogram.Snapshot latency;

    LoadResult(long started, long total, long ok, Map<Status.Code, Long> errorsByCode, long skipped,
            long elapsedNanos, LatencyHistogram.Snapshot latency) {
        this.started = started;
        this.total = total;
        this.ok = ok;
        this.errorsByCode = Collections.unmodifiableMap(copy(errorsByCode));
        this.skipped = skipped;
        this.elapsedNanos = elapsedNanos;
        this.latency = latency;
    }

    /**
     * Several runs taken together, as one run of their summed length: counts and elapsed time add up,
     * latencies are merged, so percentiles are those of all the calls.
     */
    public static LoadResult combine(List<LoadResult> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to combine");
        }
        LoadResult first = parts.get(0);
        long started = 0;
        long total = 0;
        long ok = 0;
        long skipped = 0;
        long elapsed = 0;
        Map<Status.Code, Long> errors = new EnumMap<>(Status.Code.class);
        LatencyHistogram.Snapshot latency = first.latency;
        for (LoadResult part : parts) {
            started += part.started;
            total += part.total;
            ok += part.ok;
            skipped += part.skipped;
            elapsed += part.elapsedNanos;
            for (Map.Entry<Status.Code, Long> e : part.errorsByCode.entrySet()) {
                errors.merge(e.getKey(), e.getValue(), Long::sum);
            }
            if (part != first) {
                latency = latency.plus(part.latency);
            }
        }
        return new LoadResult(started, total, ok, errors, skipped, elapsed, latency);
    }

    private static Map<Status.Code, Long> copy(Map<Status.Code, Long> errorsByCode) {
        return errorsByCode.isEmpty() ? new EnumMap<>(Status.Code.class) : new EnumMap<>(errorsByCode);
    }

    /** Calls started. */
    public long started() {
        return started;
    }

    /** Calls finished, whatever their status. After a completed run this equals {@link #started()}. */
    public long total() {
        return total;
    }

    /** Calls finished with status OK. */
    public long ok() {
        return ok;
    }

    /** Calls finished with any other status. */
    public long errors() {
        long errors = 0;
        for (long count : errorsByCode.values()) {
            errors += count;
        }
        return errors;
    }

    /** Failed calls per status code; codes that never occurred are absent. */
    public Map<Status.Code, Long> errorsByCode() {
        return errorsByCode;
    }

    /** Scheduled calls not started because {@code concurrency} calls were already in flight. */
    public long skipped() {
        return skipped;
    }

    /** Time spent starting calls, from the first until the run was over. */
    public long elapsedNanos() {
        return elapsedNanos;
    }

    /** Calls finished per second of {@link #elapsedNanos()}. */
    public double throughput() {
        return elapsedNanos == 0 ? 0 : total * 1e9 / elapsedNanos;
    }

    /** Latency, in milliseconds, that {@code quantile} (0..1) of the finished calls did not exceed. */
    public double percentileMillis(double quantile) {
        return latency.percentileNanos(quantile) / NANOS_PER_MILLI;
    }

    public double p50Millis() {
        return percentileMillis(0.50);
    }

    public double p99Millis() {
        return percentileMillis(0.99);
    }

    public double maxMillis() {
        return latency.maxNanos() / NANOS_PER_MILLI;
    }

    public double meanMillis() {
        return latency.meanNanos() / NANOS_PER_MILLI;
    }

    /** One line: calls, ok, errors by code, skipped, throughput, p50/p99/max latency. */
    public String summary() {
        return String.format(Locale.ROOT,
                "calls=%d ok=%d errors=%d %s skipped=%d elapsed=%.1fs rps=%.1f p50=%.2fms p99=%.2fms max=%.2fms",
                total, ok, errors(), errorsByCode, skipped, elapsedNanos / 1e9, throughput(),
                p50Millis(), p99Millis(), maxMillis());
    }

    @Override
    public String toString() {
        return summary();
    }
}
