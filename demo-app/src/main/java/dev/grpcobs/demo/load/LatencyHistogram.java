package dev.grpcobs.demo.load;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lock-free log-linear histogram of nanosecond latencies. Each power of two is split into 128 buckets, so a
 * recorded value is known to within 1/128 (under 0.8 %), and recording is one array increment.
 */
final class LatencyHistogram {

    private static final int SUB_BUCKET_BITS = 7;
    private static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
    // Enough for any non-negative long: the highest bit index is 62.
    private static final int BUCKETS = (63 - SUB_BUCKET_BITS + 1) * SUB_BUCKETS;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final LongAdder sum = new LongAdder();
    private final AtomicLong max = new AtomicLong();

    void record(long nanos) {
        long value = Math.max(0, nanos);
        counts.incrementAndGet(indexOf(value));
        sum.add(value);
        long seen = max.get();
        while (value > seen && !max.compareAndSet(seen, value)) {
            seen = max.get();
        }
    }

    Snapshot snapshot() {
        long[] copy = new long[BUCKETS];
        long count = 0;
        for (int i = 0; i < BUCKETS; i++) {
            copy[i] = counts.get(i);
            count += copy[i];
        }
        return new Snapshot(copy, count, sum.sum(), max.get());
    }

    static int indexOf(long value) {
        if (value < SUB_BUCKETS) {
            return (int) value;
        }
        int shift = 63 - Long.numberOfLeadingZeros(value) - SUB_BUCKET_BITS;
        return ((shift + 1) << SUB_BUCKET_BITS) + (int) ((value >>> shift) - SUB_BUCKETS);
    }

    static long lowestValueAt(int index) {
        if (index < SUB_BUCKETS) {
            return index;
        }
        int shift = (index >>> SUB_BUCKET_BITS) - 1;
        long subBucket = (index & (SUB_BUCKETS - 1)) + SUB_BUCKETS;
        return subBucket << shift;
    }

    static long highestValueAt(int index) {
        if (index < SUB_BUCKETS) {
            return index;
        }
        int shift = (index >>> SUB_BUCKET_BITS) - 1;
        long subBucket = (index & (SUB_BUCKETS - 1)) + SUB_BUCKETS;
        return ((subBucket + 1) << shift) - 1;
    }

    /** An immutable copy of the histogram at one moment. */
    static final class Snapshot {

        private final long[] counts;
        private final long count;
        private final long sum;
        private final long max;

        Snapshot(long[] counts, long count, long sum, long max) {
            this.counts = counts;
            this.count = count;
            this.sum = sum;
            this.max = max;
        }

        long count() {
            return count;
        }

        /** The calls of both snapshots together, as if recorded into one histogram. */
        Snapshot plus(Snapshot other) {
            long[] both = counts.clone();
            for (int i = 0; i < both.length; i++) {
                both[i] += other.counts[i];
            }
            return new Snapshot(both, count + other.count, sum + other.sum, Math.max(max, other.max));
        }

        long maxNanos() {
            return max;
        }

        double meanNanos() {
            return count == 0 ? 0 : (double) sum / count;
        }

        /** The latency that {@code quantile} (0..1) of the calls did not exceed; 0 when nothing was recorded. */
        long percentileNanos(double quantile) {
            if (count == 0) {
                return 0;
            }
            long rank = Math.max(1, (long) Math.ceil(Math.min(1, Math.max(0, quantile)) * count));
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    long middle = lowestValueAt(i) + (highestValueAt(i) - lowestValueAt(i)) / 2;
                    return Math.min(middle, max);
                }
            }
            return max;
        }
    }
}
