package dev.grpcobs.bench;

import dev.grpcobs.demo.load.LoadConfig;
import dev.grpcobs.demo.load.LoadGenerator;
import dev.grpcobs.demo.load.LoadResult;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** One load phase against one server pair: what the load generator saw, halfway and at the end, and the CPU. */
final class Phase {

    // The demo answers bad requests with these codes on purpose (unknown SKU, bad quantity, sold-out SKU).
    // Any other failure, such as DEADLINE_EXCEEDED or UNAVAILABLE, means the system under test struggled.
    private static final Set<Status.Code> BY_DESIGN = EnumSet.of(
            Status.Code.NOT_FOUND, Status.Code.INVALID_ARGUMENT, Status.Code.FAILED_PRECONDITION);

    private final LoadResult load;
    private final LoadResult halfway;
    private final CpuMeter.Usage cpu;

    private Phase(LoadResult load, LoadResult halfway, CpuMeter.Usage cpu) {
        this.load = load;
        this.halfway = halfway;
        this.cpu = cpu;
    }

    /** Runs {@code config} (which must have a duration) from this JVM against the shop's Orders server. */
    static Phase run(ShopUnderTest shop, LoadConfig config) throws InterruptedException {
        List<Long> pids = shop.pids();
        ManagedChannel channel = ManagedChannelBuilder.forTarget(shop.ordersTarget()).usePlaintext().build();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "phase-halfway");
            thread.setDaemon(true);
            return thread;
        });
        try {
            LoadGenerator generator = new LoadGenerator(channel, config);
            // A snapshot halfway shows whether the rate still changed during the phase (JIT not done yet).
            ScheduledFuture<LoadResult> halfway = timer.schedule(generator::snapshot,
                    config.duration().toNanos() / 2, TimeUnit.NANOSECONDS);
            CpuMeter.Usage before = CpuMeter.sample(pids);
            LoadResult result = generator.run();
            CpuMeter.Usage cpu = CpuMeter.sample(pids).since(before);
            return new Phase(result, halfway.get(), cpu);
        } catch (ExecutionException e) {
            throw new IllegalStateException("halfway snapshot failed", e.getCause());
        } finally {
            timer.shutdownNow();
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Slices of one phase, run at different times, taken together. Their first half stands in for the
     * halfway snapshot, so the drift compares the earlier slices with the later ones.
     */
    static Phase combine(List<Phase> slices) {
        if (slices.size() == 1) {
            return slices.get(0);
        }
        List<LoadResult> loads = new ArrayList<>();
        List<CpuMeter.Usage> cpus = new ArrayList<>();
        for (Phase slice : slices) {
            loads.add(slice.load);
            cpus.add(slice.cpu);
        }
        return new Phase(LoadResult.combine(loads), LoadResult.combine(loads.subList(0, loads.size() / 2)),
                CpuMeter.Usage.combine(cpus));
    }

    LoadResult load() {
        return load;
    }

    CpuMeter.Usage cpu() {
        return cpu;
    }

    /**
     * Calls per second in the second half over those in the first half, minus one. Near zero in a steady
     * state; clearly positive while the JVMs are still compiling hot code (or, for slices taken together,
     * when the machine was faster later in the round).
     */
    double drift() {
        double first = rate(halfway.total(), halfway.elapsedNanos());
        double second = rate(load.total() - halfway.total(), load.elapsedNanos() - halfway.elapsedNanos());
        return second / first - 1;
    }

    /** Failures other than the ones the demo returns by design. */
    long unexpectedErrors() {
        long unexpected = 0;
        for (Map.Entry<Status.Code, Long> e : load.errorsByCode().entrySet()) {
            if (!BY_DESIGN.contains(e.getKey())) {
                unexpected += e.getValue();
            }
        }
        return unexpected;
    }

    double serverMicrosPerCall() {
        return cpu.serverMicrosPerCall(load.total());
    }

    private static double rate(long calls, long nanos) {
        return nanos <= 0 ? Double.NaN : calls * 1e9 / nanos;
    }
}
