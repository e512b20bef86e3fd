package dev.grpcobs.bench;

import dev.grpcobs.demo.load.LoadConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Measures what the agent costs a gRPC application: the demo shop runs without the agent and with each agent
 * variant, under the same load, in rounds, and the medians are compared with the baseline.
 *
 * <p>Per round: fresh server JVMs for every variant, a discarded closed-loop warm-up of each, a closed-loop
 * throughput phase, and an open-loop latency phase at one fixed rate for all variants, so latencies are
 * compared at equal load rather than at whatever load each variant could sustain. Both phases are cut into
 * short slices that take turns between the variants, so slow spells of a shared machine fall on all of them.
 */
public final class OverheadBenchmark {

    // The open loop may have more calls in flight than the closed loop, so that a latency spike makes the
    // generator wait for the calls rather than silently skip ticks and hide the spike.
    private static final int OPEN_LOOP_CONCURRENCY_FACTOR = 4;

    private final BenchOptions options;
    private final List<Measurement> measurements = new ArrayList<>();
    private ServerJars jars;
    private double latencyRate = Double.NaN;

    private OverheadBenchmark(BenchOptions options) {
        this.options = options;
    }

    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(BenchOptions.USAGE);
            return;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        startWatchdog(options.timeLimit());
        try {
            new OverheadBenchmark(options).run();
            System.exit(0);
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("[bench] failed: " + e.getMessage());
            System.exit(1);
        } catch (Exception e) {
            System.err.println("[bench] failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    private void run() throws IOException, InterruptedException {
        jars = ServerJars.snapshot(options.agentJar(), options.demoJar());
        MachineInfo machine = MachineInfo.collect(options.java());
        log("%s; %s; variants %s; at most %d s", machine.describeMachine(), options.describe(), names(),
                options.timeLimit().getSeconds());
        warmUpLoadGenerator();
        for (int round = 1; round <= options.rounds(); round++) {
            for (Measurement m : measureRound(round)) {
                measurements.add(m);
                System.out.println(m.line(options.rounds()));
            }
            System.out.flush();
        }
        SummaryReport report = new SummaryReport(options, machine, jars, latencyRate, measurements);
        System.out.println();
        System.out.print(report.plain());
        System.out.flush();
        if (options.markdown() != null) {
            Files.write(options.markdown(), report.markdown().getBytes(StandardCharsets.UTF_8));
            log("wrote %s", options.markdown().toAbsolutePath());
        }
    }

    /**
     * The variants of a round, rotated by one each round so none always runs first (on a warmer or cooler
     * machine). Round 1 starts with the baseline, whose throughput sets the fixed latency-phase rate.
     */
    private List<Variant> order(int round) {
        List<Variant> order = new ArrayList<>(options.variants());
        Collections.rotate(order, -((round - 1) % order.size()));
        return order;
    }

    /**
     * Runs the load generator once against a throw-away baseline shop, so that its own JIT warm-up does not
     * fall into the first variant's phases and favour every variant that runs later.
     */
    private void warmUpLoadGenerator() throws IOException, InterruptedException {
        log("warming up the load generator for %d s", options.warmup().getSeconds());
        try (ShopUnderTest shop = ShopUnderTest.start(options.java(), jars, Variant.baseline())) {
            Phase.run(shop, closedLoop(options.warmup()));
        }
    }

    /**
     * One round: every variant's servers are started and warmed up, then the throughput phase and the latency
     * phase each run as slices that take turns between the variants (their order rotating per slice), so a
     * machine that is slower for a while slows every variant alike instead of the one measured just then.
     */
    private List<Measurement> measureRound(int round) throws IOException, InterruptedException {
        List<Variant> order = order(round);
        Map<Variant, ShopUnderTest> shops = new LinkedHashMap<>();
        try {
            for (Variant variant : order) {
                log("round %d/%d: %s: starting servers", round, options.rounds(), variant.name());
                shops.put(variant, ShopUnderTest.start(options.java(), jars, variant));
            }
            for (Variant variant : order) {
                log("round %d/%d: %s: warm-up %d s", round, options.rounds(), variant.name(),
                        options.warmup().getSeconds());
                Phase.run(shops.get(variant), closedLoop(options.warmup()));
            }
            log("round %d/%d: throughput, %d slices of %.1f s per variant", round, options.rounds(),
                    options.slices(), options.slice().toMillis() / 1000.0);
            Map<Variant, Phase> throughput = sliced(shops, closedLoop(options.slice()));
            if (Double.isNaN(latencyRate)) {
                requireBaselineFirst(order.get(0));
                latencyRate = options.latencyLoadFraction() * throughput.get(order.get(0)).load().throughput();
            }
            log("round %d/%d: latency at %.1f calls/s, %d slices of %.1f s per variant", round, options.rounds(),
                    latencyRate, options.slices(), options.slice().toMillis() / 1000.0);
            Map<Variant, Phase> latency = sliced(shops, openLoop(latencyRate, options.slice()));
            List<Measurement> measured = new ArrayList<>();
            for (Variant variant : order) {
                ShopUnderTest shop = shops.get(variant);
                if (!variant.isBaseline()) {
                    for (ServerProcess server : shop.servers()) {
                        MetricsProbe.requireMetric(server.name(), server.metricsUrl(), MetricsProbe.HANDLED_METRIC);
                    }
                }
                measured.add(new Measurement(variant, round, throughput.get(variant), latency.get(variant),
                        shop.agentBanner()));
            }
            return measured;
        } finally {
            for (ShopUnderTest shop : shops.values()) {
                shop.close();
            }
        }
    }

    /** Runs {@code slice} against every shop in turn, {@code options.slices()} times; per shop, the slices together. */
    private Map<Variant, Phase> sliced(Map<Variant, ShopUnderTest> shops, LoadConfig slice)
            throws InterruptedException {
        List<Variant> variants = new ArrayList<>(shops.keySet());
        Map<Variant, List<Phase>> slices = new LinkedHashMap<>();
        for (Variant variant : variants) {
            slices.put(variant, new ArrayList<>());
        }
        for (int i = 0; i < options.slices(); i++) {
            List<Variant> turn = new ArrayList<>(variants);
            Collections.rotate(turn, -i);
            for (Variant variant : turn) {
                slices.get(variant).add(Phase.run(shops.get(variant), slice));
            }
        }
        Map<Variant, Phase> combined = new LinkedHashMap<>();
        for (Variant variant : variants) {
            combined.put(variant, Phase.combine(slices.get(variant)));
        }
        return combined;
    }

    private LoadConfig closedLoop(Duration duration) {
        return LoadConfig.builder()
                .rps(0)
                .concurrency(options.concurrency())
                .duration(duration)
                .mix(options.mix())
                .build();
    }

    private LoadConfig openLoop(double rate, Duration duration) {
        return LoadConfig.builder()
                .rps(rate)
                .concurrency(options.concurrency() * OPEN_LOOP_CONCURRENCY_FACTOR)
                .duration(duration)
                .mix(options.mix())
                .build();
    }

    private static void requireBaselineFirst(Variant variant) {
        if (!variant.isBaseline()) {
            throw new IllegalStateException("the baseline must run first to set the latency-phase rate");
        }
    }

    private String names() {
        List<String> names = new ArrayList<>();
        for (Variant variant : options.variants()) {
            names.add(variant.name());
        }
        return String.join(", ", names);
    }

    /**
     * Ends the run, and with it the server JVMs (see {@link ChildProcesses}), if it takes far longer than
     * planned, e.g. because a server hangs.
     */
    private static void startWatchdog(Duration limit) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(limit.toMillis());
                System.err.println("[bench] time limit of " + limit.getSeconds() + " s exceeded; stopping");
                System.exit(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** Progress goes to stderr, results to stdout. */
    private static void log(String format, Object... args) {
        System.err.println("[bench] " + String.format(Locale.ROOT, format, args));
    }
}
