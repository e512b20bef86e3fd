package dev.grpcobs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Collections;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void medianOfOddCountIsTheMiddleValue() {
        assertEquals(3.0, Stats.median(Arrays.asList(5.0, 1.0, 3.0)));
    }

    @Test
    void medianOfEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, Stats.median(Arrays.asList(4.0, 1.0, 3.0, 2.0)));
    }

    @Test
    void medianIgnoresOneOutlier() {
        assertEquals(100.0, Stats.median(Arrays.asList(100.0, 101.0, 5.0)));
    }

    @Test
    void medianOfNothingIsNaN() {
        assertTrue(Double.isNaN(Stats.median(Collections.<Double>emptyList())));
    }

    @Test
    void spreadIsRangeOverMedian() {
        assertEquals(0.1, Stats.relativeSpread(Arrays.asList(95.0, 100.0, 105.0)), 1e-12);
        assertEquals(0.0, Stats.relativeSpread(Collections.singletonList(7.0)));
    }
}
