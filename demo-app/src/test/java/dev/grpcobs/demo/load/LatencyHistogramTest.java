package dev.grpcobs.demo.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void everyValueFallsInsideItsBucket() {
        long[] edges = {0, 1, 127, 128, 129, 255, 256, 257, 1_000_000, Long.MAX_VALUE};
        for (long value : edges) {
            assertInsideBucket(value);
        }
        Random random = new Random(11);
        for (int i = 0; i < 100_000; i++) {
            assertInsideBucket(random.nextLong() >>> (1 + random.nextInt(63)));
        }
    }

    @Test
    void percentilesAreWithinOnePercent() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (long micros = 1; micros <= 10_000; micros++) {
            histogram.record(micros * 1_000);
        }
        LatencyHistogram.Snapshot snapshot = histogram.snapshot();

        assertEquals(10_000, snapshot.count());
        assertEquals(5_000_000, snapshot.percentileNanos(0.50), 50_000);
        assertEquals(9_900_000, snapshot.percentileNanos(0.99), 99_000);
        assertEquals(10_000_000, snapshot.percentileNanos(1.0), 100_000);
        assertEquals(10_000_000, snapshot.maxNanos());
        assertEquals(5_000_500, snapshot.meanNanos(), 1);
    }

    @Test
    void emptyHistogramReportsZero() {
        LatencyHistogram.Snapshot snapshot = new LatencyHistogram().snapshot();

        assertEquals(0, snapshot.count());
        assertEquals(0, snapshot.percentileNanos(0.99));
        assertEquals(0, snapshot.meanNanos());
    }

    private static void assertInsideBucket(long value) {
        int index = LatencyHistogram.indexOf(value);
        long low = LatencyHistogram.lowestValueAt(index);
        long high = LatencyHistogram.highestValueAt(index);
        assertTrue(low <= value && value <= high, value + " outside [" + low + ", " + high + "]");
        assertTrue(high - low <= Math.max(0, low / 128), "bucket of " + value + " too wide");
    }
}
