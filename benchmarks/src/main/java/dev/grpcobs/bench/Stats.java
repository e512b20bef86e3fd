package dev.grpcobs.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The little statistics the summary needs. Rounds are few, so medians resist a single disturbed round. */
final class Stats {

    private Stats() {
    }

    /** The middle value, or the mean of the two middle ones; NaN when there are none. */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        if (sorted.size() % 2 == 1) {
            return sorted.get(middle);
        }
        return (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    /** (max - min) / median: how far apart the rounds were, to judge whether a difference is noise. */
    static double relativeSpread(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        return (Collections.max(values) - Collections.min(values)) / median(values);
    }

    /** The largest value; NaN when there are none. */
    static double max(List<Double> values) {
        return values.isEmpty() ? Double.NaN : Collections.max(values);
    }
}
