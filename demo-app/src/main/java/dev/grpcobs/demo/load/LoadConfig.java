package dev.grpcobs.demo.load;

import java.time.Duration;
import java.util.function.Consumer;

/** Settings of one load run. Build with {@link #builder()}; unset values keep the documented defaults. */
public final class LoadConfig {

    private final double rps;
    private final Duration duration;
    private final int concurrency;
    private final Mix mix;
    private final long seed;
    private final Duration callDeadline;
    private final Duration reportEvery;
    private final Consumer<String> progress;

    private LoadConfig(Builder builder) {
        this.rps = builder.rps;
        this.duration = builder.duration;
        this.concurrency = builder.concurrency;
        this.mix = builder.mix;
        this.seed = builder.seed;
        this.callDeadline = builder.callDeadline;
        this.reportEvery = builder.reportEvery;
        this.progress = builder.progress;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Calls started per second; 0 or less means closed loop: {@link #concurrency()} calls back to back. */
    public double rps() {
        return rps;
    }

    /** How long calls are started for, or null to run until {@link LoadGenerator#stop()}. */
    public Duration duration() {
        return duration;
    }

    /** Most calls in flight at once. A tick that finds them all busy is counted as skipped, not queued. */
    public int concurrency() {
        return concurrency;
    }

    public Mix mix() {
        return mix;
    }

    public long seed() {
        return seed;
    }

    public Duration callDeadline() {
        return callDeadline;
    }

    public Duration reportEvery() {
        return reportEvery;
    }

    /** Where the periodic one-line reports go, or null for none. */
    public Consumer<String> progress() {
        return progress;
    }

    /** Builder of {@link LoadConfig}. */
    public static final class Builder {

        private double rps = 20;
        private Duration duration = Duration.ofSeconds(10);
        private int concurrency = 16;
        private Mix mix = Mix.ALL;
        private long seed = 42;
        private Duration callDeadline = Duration.ofSeconds(5);
        private Duration reportEvery = Duration.ofSeconds(5);
        private Consumer<String> progress;

        private Builder() {
        }

        /** Default 20; 0 or less runs closed loop. */
        public Builder rps(double rps) {
            this.rps = rps;
            return this;
        }

        /** Default 10 s. */
        public Builder duration(Duration duration) {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("duration must be positive, got " + duration);
            }
            this.duration = duration;
            return this;
        }

        /** Runs until {@link LoadGenerator#stop()} instead of for a fixed time. */
        public Builder untilStopped() {
            this.duration = null;
            return this;
        }

        /** Default 16. */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /** Default {@link Mix#ALL}. */
        public Builder mix(Mix mix) {
            this.mix = mix;
            return this;
        }

        /** Seed of the random choices of calls and requests; default 42. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Deadline of every call; default 5 s. */
        public Builder callDeadline(Duration callDeadline) {
            if (callDeadline.isNegative() || callDeadline.isZero()) {
                throw new IllegalArgumentException("call deadline must be positive, got " + callDeadline);
            }
            this.callDeadline = callDeadline;
            return this;
        }

        /** Interval of the progress reports; default 5 s. */
        public Builder reportEvery(Duration reportEvery) {
            if (reportEvery.isNegative() || reportEvery.isZero()) {
                throw new IllegalArgumentException("report interval must be positive, got " + reportEvery);
            }
            this.reportEvery = reportEvery;
            return this;
        }

        /** Receives a one-line report every {@link #reportEvery}; default none. */
        public Builder progress(Consumer<String> progress) {
            this.progress = progress;
            return this;
        }

        public LoadConfig build() {
            return new LoadConfig(this);
        }
    }
}
