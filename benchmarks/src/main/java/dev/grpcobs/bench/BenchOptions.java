package dev.grpcobs.bench;

import dev.grpcobs.demo.load.Mix;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Command-line options of the benchmark, with their defaults. */
final class BenchOptions {

    static final String USAGE = String.join(System.lineSeparator(),
            "usage: java -jar benchmarks.jar [options]   (run from the repository root for the default paths)",
            "  --agent PATH              agent jar (default agent/target/grpc-observability-agent.jar)",
            "  --demo-jar PATH           demo shop jar (default demo-app/target/demo-shop.jar)",
            "  --rounds N                rounds of every variant, interleaved (default 3)",
            "  --warmup-s S              closed-loop warm-up per variant and round, discarded (default 60)",
            "  --measure-s S             length of the throughput and of the latency phase per variant",
            "                            (default 20)",
            "  --slices N                each phase cut into N slices that take turns between the",
            "                            variants (default 5)",
            "  --concurrency C           calls in flight in the throughput phase (default 32)",
            "  --mix unary|all           calls made (default all)",
            "  --latency-load-pct P      rate of the latency phase, in % of round 1's baseline throughput",
            "                            (default 50)",
            "  --variant NAME=ARGS       agent variant, repeatable (default metrics=traces.enabled=false,",
            "                            logs.enabled=false); the baseline 'none'",
            "                            (no agent) always runs. service.name, http.port=0 and",
            "                            http.host=127.0.0.1 are set first; ARGS may override them.",
            "  --java PATH               java for the server JVMs (default the one running this)",
            "  --markdown PATH           also write the summary as Markdown to PATH");

    /** Metrics alone: the signal the core budget is about. */
    static final String DEFAULT_VARIANT = "metrics=traces.enabled=false,logs.enabled=false";

    private Path agentJar = Paths.get("agent/target/grpc-observability-agent.jar");
    private Path demoJar = Paths.get("demo-app/target/demo-shop.jar");
    private int rounds = 3;
    // Fresh server JVMs on two busy cores take about a minute of load before the JIT has settled; with
    // less, the comparison measures how fast each variant warms up (the summary flags this as drift).
    private int warmupSeconds = 60;
    private int measureSeconds = 20;
    // Slices of a few seconds: long enough that a new channel's first calls do not matter, short enough
    // that a slow spell of a shared machine (often tens of seconds) is spread over every variant.
    private int slices = 5;
    private int concurrency = 32;
    private Mix mix = Mix.ALL;
    private int latencyLoadPercent = 50;
    private final List<Variant> variants = new ArrayList<>();
    private Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    private Path markdown;

    private BenchOptions() {
    }

    /** Parses {@code args}; throws IllegalArgumentException with a message fit for the user. */
    static BenchOptions parse(String[] args) {
        BenchOptions options = new BenchOptions();
        List<Variant> given = new ArrayList<>();
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + name);
            }
            String value = args[i + 1];
            switch (name) {
                case "--agent":
                    options.agentJar = Paths.get(value);
                    break;
                case "--demo-jar":
                    options.demoJar = Paths.get(value);
                    break;
                case "--rounds":
                    options.rounds = positive(name, value);
                    break;
                case "--warmup-s":
                    options.warmupSeconds = positive(name, value);
                    break;
                case "--measure-s":
                    options.measureSeconds = positive(name, value);
                    break;
                case "--slices":
                    options.slices = positive(name, value);
                    break;
                case "--concurrency":
                    options.concurrency = positive(name, value);
                    break;
                case "--mix":
                    options.mix = Mix.parse(value);
                    break;
                case "--latency-load-pct":
                    options.latencyLoadPercent = positive(name, value);
                    if (options.latencyLoadPercent > 100) {
                        throw new IllegalArgumentException(name + " must be at most 100, got " + value);
                    }
                    break;
                case "--variant":
                    given.add(Variant.parse(value));
                    break;
                case "--java":
                    options.java = Paths.get(value);
                    break;
                case "--markdown":
                    options.markdown = Paths.get(value);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + name);
            }
        }
        options.variants.add(Variant.baseline());
        options.variants.addAll(given.isEmpty() ? Collections.singletonList(Variant.parse(DEFAULT_VARIANT)) : given);
        requireDistinctNames(options.variants);
        return options;
    }

    private static int positive(String name, String value) {
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below like any other bad value
        }
        throw new IllegalArgumentException(name + " wants a positive whole number, got '" + value + "'");
    }

    private static void requireDistinctNames(List<Variant> variants) {
        for (int i = 0; i < variants.size(); i++) {
            for (int j = i + 1; j < variants.size(); j++) {
                if (variants.get(i).name().equals(variants.get(j).name())) {
                    throw new IllegalArgumentException("variant '" + variants.get(i).name() + "' is given twice");
                }
            }
        }
    }

    Path agentJar() {
        return agentJar.toAbsolutePath();
    }

    Path demoJar() {
        return demoJar.toAbsolutePath();
    }

    int rounds() {
        return rounds;
    }

    Duration warmup() {
        return Duration.ofSeconds(warmupSeconds);
    }

    Duration measure() {
        return Duration.ofSeconds(measureSeconds);
    }

    int slices() {
        return slices;
    }

    /** The length of one slice of a phase. */
    Duration slice() {
        return Duration.ofMillis(measureSeconds * 1000L / slices);
    }

    int concurrency() {
        return concurrency;
    }

    Mix mix() {
        return mix;
    }

    /** Rate of the latency phase as a fraction of the baseline's round-1 throughput. */
    double latencyLoadFraction() {
        return latencyLoadPercent / 100.0;
    }

    /** The baseline first, then the agent variants in the order given. */
    List<Variant> variants() {
        return Collections.unmodifiableList(variants);
    }

    Path java() {
        return java;
    }

    /** Where to write the Markdown summary, or null. */
    Path markdown() {
        return markdown;
    }

    /**
     * An upper bound for the whole run: the load phases plus a generous allowance per server pair for
     * starting, draining calls and stopping. A healthy run takes well under it.
     */
    Duration timeLimit() {
        long perRun = warmupSeconds + 2L * measureSeconds + 90 + 4L * slices;
        long generatorWarmUp = warmupSeconds + 90;
        return Duration.ofSeconds(60 + generatorWarmUp + (long) rounds * variants.size() * perRun);
    }

    /** The parameters, for the report. */
    String describe() {
        return String.format(Locale.ROOT, "rounds=%d warmup=%ds measure=%ds slices=%d concurrency=%d mix=%s latency-load=%d%%",
                rounds, warmupSeconds, measureSeconds, slices, concurrency, mix.name().toLowerCase(Locale.ROOT),
                latencyLoadPercent);
    }
}
