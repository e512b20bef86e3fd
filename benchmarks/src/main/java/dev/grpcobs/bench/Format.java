package dev.grpcobs.bench;

import java.util.Locale;

/** Number formatting shared by the log lines and the summary; unknown values (NaN) print as "n/a". */
final class Format {

    private Format() {
    }

    static String number(double value, int decimals) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** A fraction as a percentage with one decimal: 0.973 is "97.3%". */
    static String percent(double fraction) {
        return Double.isNaN(fraction) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", fraction * 100);
    }

    /** A change as a signed percentage: 0.05 is "+5.0%". */
    static String signedPercent(double fraction) {
        return Double.isNaN(fraction) ? "n/a" : String.format(Locale.ROOT, "%+.1f%%", fraction * 100);
    }
}
