package dev.grpcobs.demo.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadResultTest {

    @Test
    void combinedRunsAddUpAndMergeTheirLatencies() {
        LatencyHistogram fast = new LatencyHistogram();
        LatencyHistogram slow = new LatencyHistogram();
        for (int i = 0; i < 90; i++) {
            fast.record(1_000_000);
        }
        for (int i = 0; i < 10; i++) {
            slow.record(50_000_000);
        }
        Map<Status.Code, Long> notFound = new EnumMap<>(Status.Code.class);
        notFound.put(Status.Code.NOT_FOUND, 3L);
        Map<Status.Code, Long> mixed = new EnumMap<>(Status.Code.class);
        mixed.put(Status.Code.NOT_FOUND, 1L);
        mixed.put(Status.Code.UNAVAILABLE, 2L);
        LoadResult first = new LoadResult(90, 90, 87, notFound, 1, 1_000_000_000L, fast.snapshot());
        LoadResult second = new LoadResult(10, 10, 7, mixed, 4, 3_000_000_000L, slow.snapshot());

        LoadResult both = LoadResult.combine(Arrays.asList(first, second));

        assertEquals(100, both.started());
        assertEquals(100, both.total());
        assertEquals(94, both.ok());
        assertEquals(6, both.errors());
        assertEquals(4L, both.errorsByCode().get(Status.Code.NOT_FOUND));
        assertEquals(2L, both.errorsByCode().get(Status.Code.UNAVAILABLE));
        assertEquals(5, both.skipped());
        assertEquals(4_000_000_000L, both.elapsedNanos());
        assertEquals(25.0, both.throughput(), 1e-9);
        assertEquals(1.0, both.p50Millis(), 0.01);
        assertEquals(50.0, both.p99Millis(), 0.5);
        assertEquals(50.0, both.maxMillis(), 1e-9);
        assertEquals(5.9, both.meanMillis(), 1e-9);
        assertEquals(first.summary(), LoadResult.combine(Arrays.asList(first)).summary());
    }
}
