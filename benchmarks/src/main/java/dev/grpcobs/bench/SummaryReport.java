package dev.grpcobs.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The end-of-run summary: medians per variant, ratios against the baseline and the overhead budget. */
final class SummaryReport {

    static final double MIN_THROUGHPUT_RATIO = 0.97;
    static final double MAX_P99_RATIO = 1.05;
    /** With tracing at 100% sampling the budget is throughput only, and looser. */
    static final double MIN_THROUGHPUT_RATIO_TRACING = 0.90;
    /** Beyond this many cores used by something else, the machine was not quiet enough to trust the numbers. */
    static final double MAX_OTHER_CORES = 0.15;
    /**
     * Beyond this, the throughput phase was not in a steady state, typically because the warm-up was too short.
     * Not tighter: on a small shared machine, 10-second halves of a steady run differ by several percent.
     */
    static final double MAX_STEADY_DRIFT = 0.10;

    private final BenchOptions options;
    private final MachineInfo machine;
    private final ServerJars jars;
    private final double latencyRate;
    private final Map<Variant, List<Measurement>> byVariant = new LinkedHashMap<>();

    SummaryReport(BenchOptions options, MachineInfo machine, ServerJars jars, double latencyRate,
            List<Measurement> measurements) {
        this.options = options;
        this.machine = machine;
        this.jars = jars;
        this.latencyRate = latencyRate;
        for (Variant variant : options.variants()) {
            byVariant.put(variant, new ArrayList<Measurement>());
        }
        for (Measurement m : measurements) {
            byVariant.get(m.variant()).add(m);
        }
    }

    String plain() {
        StringBuilder out = new StringBuilder("== grpc-observability-agent overhead ==\n");
        List<String[]> facts = facts();
        int labelWidth = 0;
        for (String[] fact : facts) {
            labelWidth = Math.max(labelWidth, fact[0].length() + 2);
        }
        for (String[] fact : facts) {
            out.append(String.format(Locale.ROOT, "%-" + labelWidth + "s%s%n", fact[0] + ":", fact[1]));
        }
        out.append('\n').append("medians over ").append(options.rounds()).append(" rounds:\n");
        out.append(table().plain()).append('\n');
        for (String line : conclusions()) {
            out.append(line).append('\n');
        }
        return out.toString();
    }

    String markdown() {
        StringBuilder out = new StringBuilder("## grpc-observability-agent overhead\n\n");
        for (String[] fact : facts()) {
            out.append("- **").append(fact[0]).append(":** ").append(fact[1]).append('\n');
        }
        out.append("\nMedians over ").append(options.rounds()).append(" rounds:\n\n");
        out.append(table().markdown()).append('\n');
        for (String line : conclusions()) {
            out.append("- ").append(line).append('\n');
        }
        return out.toString();
    }

    private List<String[]> facts() {
        List<String[]> facts = new ArrayList<>();
        facts.add(new String[] {"machine", machine.describeMachine()});
        facts.add(new String[] {"benchmark java", machine.benchmarkJava()});
        facts.add(new String[] {"server java", machine.serverJava()});
        facts.add(new String[] {"server JVMs", String.join(" ", ShopUnderTest.JVM_FLAGS)
                + " (inventory and orders, one JVM each)"});
        facts.add(new String[] {"parameters", options.describe()});
        facts.add(new String[] {"warm-up", "load generator once before round 1, then fresh server JVMs per"
                + " variant and round, all started together, each warmed up by a closed loop for "
                + options.warmup().getSeconds() + " s (discarded)"});
        String slices = String.format(Locale.ROOT, "in %d slices of %.1f s taking turns with the other variants",
                options.slices(), options.slice().toMillis() / 1000.0);
        facts.add(new String[] {"throughput", "closed loop, " + options.concurrency() + " calls in flight, "
                + options.measure().getSeconds() + " s per variant " + slices});
        facts.add(new String[] {"latency", String.format(Locale.ROOT,
                "open loop at %.1f calls/s (%.0f%% of round 1's %s throughput) for every variant, %d s %s",
                latencyRate, options.latencyLoadFraction() * 100, Variant.BASELINE_NAME,
                options.measure().getSeconds(), slices)});
        facts.add(new String[] {"agent jar", jars.describeAgent()});
        for (Variant variant : options.variants()) {
            facts.add(new String[] {"variant " + variant.name(), variant.describe()});
            String banner = agentBanner(variant);
            if (banner != null) {
                facts.add(new String[] {"agent in " + variant.name(), banner});
            }
        }
        return facts;
    }

    private Table table() {
        Table table = new Table("variant", "calls/s", "vs none", "spread", "drift", "p50 ms", "p99 ms", "p99 vs none",
                "spread", "srv CPU us/call", "vs none", "loadgen cores", "other cores", "unexpected errors");
        for (Variant variant : options.variants()) {
            Medians m = medians(variant);
            table.row(variant.name(),
                    Format.number(m.throughput, 1),
                    Format.percent(m.throughputRatio),
                    Format.percent(m.throughputSpread),
                    Format.signedPercent(m.drift),
                    Format.number(m.p50, 2),
                    Format.number(m.p99, 2),
                    Format.percent(m.p99Ratio),
                    Format.percent(m.p99Spread),
                    Format.number(m.serverMicros, 0),
                    Format.percent(m.serverMicrosRatio),
                    Format.number(m.loadGeneratorCores, 2),
                    Format.number(m.otherCores, 2),
                    Long.toString(m.unexpectedErrors + m.skipped));
        }
        return table;
    }

    private List<String> conclusions() {
        List<String> lines = new ArrayList<>();
        for (Variant variant : options.variants()) {
            if (variant.isBaseline()) {
                continue;
            }
            Medians m = medians(variant);
            double minThroughput = variant.traces() ? MIN_THROUGHPUT_RATIO_TRACING : MIN_THROUGHPUT_RATIO;
            boolean met = m.throughputRatio >= minThroughput && (variant.traces() || m.p99Ratio <= MAX_P99_RATIO);
            String p99Budget = variant.traces() ? "" : String.format(Locale.ROOT, ", p99 <= %.0f%% of none",
                    MAX_P99_RATIO * 100);
            lines.add(String.format(Locale.ROOT,
                    "budget (%s): throughput >= %.0f%% of none%s: %s (throughput %s, p99 %s)",
                    variant.name(), minThroughput * 100, p99Budget, met ? "MET" : "NOT MET",
                    Format.percent(m.throughputRatio), Format.percent(m.p99Ratio)));
            if (m.throughputSpread > 1 - minThroughput || (!variant.traces() && m.p99Spread > MAX_P99_RATIO - 1)) {
                lines.add(String.format(Locale.ROOT, "NOTE: %s's ratios to none spread by %s in throughput and %s in"
                        + " p99 over the rounds, more than the budget's margins, so this verdict is within noise:"
                        + " use more rounds or a quieter machine.", variant.name(), Format.percent(m.throughputSpread),
                        Format.percent(m.p99Spread)));
            }
        }
        for (Variant variant : options.variants()) {
            double drift = medians(variant).drift;
            if (Math.abs(drift) > MAX_STEADY_DRIFT) {
                lines.add(String.format(Locale.ROOT, "WARNING: %s's throughput changed by %s between the halves of"
                        + " the throughput phase, so the JVMs were still warming up: raise --warmup-s.",
                        variant.name(), Format.signedPercent(drift)));
            }
        }
        for (Variant variant : options.variants()) {
            double other = medians(variant).otherCores;
            if (other > MAX_OTHER_CORES) {
                lines.add(String.format(Locale.ROOT, "WARNING: while %s was measured, something else used up to"
                        + " %.2f cores (other processes or the kernel): the machine was not quiet, so these numbers"
                        + " are unreliable.", variant.name(), other));
            }
        }
        lines.add("vs none = median over the rounds of the variant's figure divided by none's in the same round"
                + " (the variants of a round take turns in short slices, so they share the machine's slow spells);"
                + " spread = (max - min) / median of those per-round ratios (for none: of its own figure);"
                + " a difference smaller than the spread is noise."
                + " drift = change of the rate from the first to the second half of the throughput phase.");
        lines.add("srv CPU = CPU time of both server JVMs per call at the fixed rate; loadgen cores = CPU used by"
                + " the load generator at full load, taken from the " + machine.cores() + " cores the servers share;"
                + " other cores = the most CPU anything else used in any measured phase (max over rounds).");
        lines.add("unexpected errors = failures other than the demo's deliberate NOT_FOUND, INVALID_ARGUMENT and"
                + " FAILED_PRECONDITION, plus fixed-rate calls skipped because too many were in flight.");
        return lines;
    }

    /** The agent's start-up line in the variant's first round, which shows what it really switched on. */
    private String agentBanner(Variant variant) {
        for (Measurement m : byVariant.get(variant)) {
            if (m.agentBanner() != null) {
                return m.agentBanner();
            }
        }
        return null;
    }

    private Medians medians(Variant variant) {
        return new Medians(byVariant.get(variant), byVariant.get(options.variants().get(0)));
    }

    /** Per-variant medians over the rounds, and of the per-round ratios to the baseline. */
    private static final class Medians {

        final double throughput;
        final double throughputRatio;
        final double throughputSpread;
        final double drift;
        final double p50;
        final double p99;
        final double p99Ratio;
        final double p99Spread;
        final double serverMicros;
        final double serverMicrosRatio;
        final double loadGeneratorCores;
        final double otherCores;
        final long unexpectedErrors;
        final long skipped;

        Medians(List<Measurement> rounds, List<Measurement> baseline) {
            boolean isBaseline = rounds == baseline;
            throughput = Stats.median(values(rounds, Measurement::throughput));
            List<Double> throughputRatios = ratios(rounds, baseline, Measurement::throughput);
            throughputRatio = Stats.median(throughputRatios);
            throughputSpread = Stats.relativeSpread(
                    isBaseline ? values(rounds, Measurement::throughput) : throughputRatios);
            drift = Stats.median(values(rounds, Measurement::throughputDrift));
            p50 = Stats.median(values(rounds, Measurement::p50));
            p99 = Stats.median(values(rounds, Measurement::p99));
            List<Double> p99Ratios = ratios(rounds, baseline, Measurement::p99);
            p99Ratio = Stats.median(p99Ratios);
            p99Spread = Stats.relativeSpread(isBaseline ? values(rounds, Measurement::p99) : p99Ratios);
            serverMicros = Stats.median(values(rounds, Measurement::serverMicrosPerCall));
            serverMicrosRatio = Stats.median(ratios(rounds, baseline, Measurement::serverMicrosPerCall));
            loadGeneratorCores = Stats.median(values(rounds, Measurement::loadGeneratorCores));
            otherCores = Stats.max(values(rounds, Measurement::otherCores));
            long unexpected = 0;
            long skippedCalls = 0;
            for (Measurement m : rounds) {
                unexpected += m.unexpectedErrors();
                skippedCalls += m.skipped();
            }
            unexpectedErrors = unexpected;
            skipped = skippedCalls;
        }

        /** Per round, the variant's figure over the baseline's figure of the same round. */
        private static List<Double> ratios(List<Measurement> rounds, List<Measurement> baseline,
                ToDoubleFunction<Measurement> metric) {
            List<Double> ratios = new ArrayList<>();
            for (Measurement m : rounds) {
                for (Measurement b : baseline) {
                    if (b.round() == m.round()) {
                        ratios.add(metric.applyAsDouble(m) / metric.applyAsDouble(b));
                    }
                }
            }
            return ratios;
        }

        private static List<Double> values(List<Measurement> rounds, ToDoubleFunction<Measurement> metric) {
            List<Double> values = new ArrayList<>();
            for (Measurement m : rounds) {
                values.add(metric.applyAsDouble(m));
            }
            return values;
        }
    }
}
