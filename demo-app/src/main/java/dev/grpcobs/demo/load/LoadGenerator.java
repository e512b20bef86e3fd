package dev.grpcobs.demo.load;

import dev.grpcobs.demo.DaemonThreadFactory;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Drives the Orders service with a mix of calls and measures them.
 *
 * <p>With a positive rate, calls start on a fixed-rate schedule (open loop), so a slow server does not slow the
 * offered load down; at most {@code concurrency} are in flight and ticks beyond that are counted as skipped.
 * With a rate of 0, {@code concurrency} calls run back to back (closed loop), for maximum throughput.
 * A generator runs once; create a new one for another run.
 */
public final class LoadGenerator {

    private static final Status.Code[] CODES = Status.Code.values();
    private static final long DRAIN_MARGIN_MS = 5_000;

    private final LoadConfig config;
    private final Random random;
    private final ShopCalls calls;
    private final Semaphore permits;
    private final LatencyHistogram latency = new LatencyHistogram();
    private final AtomicLongArray finishedByCode = new AtomicLongArray(CODES.length);
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicBoolean used = new AtomicBoolean();
    private volatile boolean running;
    private volatile long startNanos;

    /** A generator calling the Orders service over {@code channel}, which the caller owns and closes. */
    public LoadGenerator(Channel channel, LoadConfig config) {
        this.config = config;
        this.random = new Random(config.seed());
        this.calls = new ShopCalls(channel, random, config.callDeadline().toMillis());
        this.permits = new Semaphore(config.concurrency());
    }

    /** Runs against the Orders server at {@code target} (host:port) over a plaintext channel of its own. */
    public static LoadResult run(String target, LoadConfig config) throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            return new LoadGenerator(channel, config).run();
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Starts calls for the configured duration (or until {@link #stop()}), waits for those in flight to finish,
     * and returns what happened. Blocks the calling thread throughout.
     */
    public LoadResult run() throws InterruptedException {
        if (!used.compareAndSet(false, true)) {
            throw new IllegalStateException("a LoadGenerator runs once");
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                new DaemonThreadFactory("loadgen-timer"));
        startNanos = System.nanoTime();
        running = true;
        long endNanos;
        try {
            if (config.rps() > 0) {
                long periodNanos = Math.max(1, Math.round(1e9 / config.rps()));
                timer.scheduleAtFixedRate(this::tick, 0, periodNanos, TimeUnit.NANOSECONDS);
            } else {
                for (int i = 0; i < config.concurrency(); i++) {
                    startIfPermitted();
                }
            }
            if (config.progress() != null) {
                long everyNanos = config.reportEvery().toNanos();
                timer.scheduleAtFixedRate(this::report, everyNanos, everyNanos, TimeUnit.NANOSECONDS);
            }
            if (config.duration() == null) {
                stopRequested.await();
            } else {
                stopRequested.await(config.duration().toNanos(), TimeUnit.NANOSECONDS);
            }
        } finally {
            running = false;
            endNanos = System.nanoTime();
            timer.shutdown();
        }
        timer.awaitTermination(5, TimeUnit.SECONDS);
        // Every call carries a deadline, so all permits come back within it.
        long drainMs = config.callDeadline().toMillis() + DRAIN_MARGIN_MS;
        if (permits.tryAcquire(config.concurrency(), drainMs, TimeUnit.MILLISECONDS)) {
            permits.release(config.concurrency());
        }
        return snapshot(endNanos - startNanos);
    }

    /** Ends a run early; {@link #run()} then returns once the calls in flight have finished. */
    public void stop() {
        stopRequested.countDown();
    }

    /** What has happened so far; safe to call from any thread while the run goes on. */
    public LoadResult snapshot() {
        return snapshot(System.nanoTime() - startNanos);
    }

    private LoadResult snapshot(long elapsedNanos) {
        Map<Status.Code, Long> errors = new EnumMap<>(Status.Code.class);
        for (Status.Code code : CODES) {
            long count = finishedByCode.get(code.ordinal());
            if (code != Status.Code.OK && count > 0) {
                errors.put(code, count);
            }
        }
        return new LoadResult(started.get(), finished.get(), finishedByCode.get(Status.Code.OK.ordinal()),
                errors, skipped.get(), elapsedNanos, latency.snapshot());
    }

    private void tick() {
        if (running && !startIfPermitted()) {
            skipped.incrementAndGet();
        }
    }

    private boolean startIfPermitted() {
        if (!permits.tryAcquire()) {
            return false;
        }
        CallKind kind = config.mix().pick(random);
        long callStart = System.nanoTime();
        started.incrementAndGet();
        try {
            calls.start(kind, status -> onFinished(callStart, status));
        } catch (RuntimeException e) {
            onFinished(callStart, Status.fromThrowable(e));
        }
        return true;
    }

    private void onFinished(long callStartNanos, Status status) {
        latency.record(System.nanoTime() - callStartNanos);
        finishedByCode.incrementAndGet(status.getCode().ordinal());
        finished.incrementAndGet();
        permits.release();
        if (running && config.rps() <= 0) {
            startIfPermitted();
        }
    }

    private void report() {
        LoadResult sofar = snapshot();
        config.progress().accept(String.format(Locale.ROOT, "[loadgen] %s in-flight=%d",
                sofar.summary(), sofar.started() - sofar.total()));
    }
}
