package dev.grpcobs.bench;

import java.util.Locale;

/** The measured phases of one variant in one round. */
final class Measurement {

    private final Variant variant;
    private final int round;
    private final Phase throughput;
    private final Phase latency;
    private final String agentBanner;

    Measurement(Variant variant, int round, Phase throughput, Phase latency, String agentBanner) {
        this.variant = variant;
        this.round = round;
        this.throughput = throughput;
        this.latency = latency;
        this.agentBanner = agentBanner;
    }

    Variant variant() {
        return variant;
    }

    int round() {
        return round;
    }

    /** How the agent said it attached, or null for the baseline. */
    String agentBanner() {
        return agentBanner;
    }

    /** Calls per second of the closed-loop phase. */
    double throughput() {
        return throughput.load().throughput();
    }

    /** Median latency at the fixed rate, in ms. */
    double p50() {
        return latency.load().p50Millis();
    }

    /** 99th percentile latency at the fixed rate, in ms. */
    double p99() {
        return latency.load().p99Millis();
    }

    /** Server CPU per call at the fixed rate, where every variant did the same work in the same time. */
    double serverMicrosPerCall() {
        return latency.serverMicrosPerCall();
    }

    /** Change of the closed-loop rate from the first to the second half of the throughput phase. */
    double throughputDrift() {
        return throughput.drift();
    }

    double loadGeneratorCores() {
        return throughput.cpu().loadGeneratorCores();
    }

    /** The most CPU that anything else took in either measured phase, in cores. */
    double otherCores() {
        return Math.max(throughput.cpu().otherCores(), latency.cpu().otherCores());
    }

    long errors() {
        return throughput.load().errors() + latency.load().errors();
    }

    long unexpectedErrors() {
        return throughput.unexpectedErrors() + latency.unexpectedErrors();
    }

    /** Fixed-rate calls not started because the in-flight cap was reached: the servers fell behind. */
    long skipped() {
        return latency.load().skipped();
    }

    /** One line for the progress log. */
    String line(int rounds) {
        CpuMeter.Usage cpu = throughput.cpu();
        return String.format(Locale.ROOT,
                "round %d/%d %-10s throughput %8.1f calls/s (drift %s)"
                        + " | at %.1f calls/s: p50 %6.2f ms  p99 %6.2f ms  server CPU %s us/call"
                        + " | errors %d (unexpected %d, skipped %d)"
                        + " | cores at full load: generator %.2f, servers %.2f, other %.2f"
                        + " | at the fixed rate: machine %s busy, other %.2f cores",
                round, rounds, variant.name(), throughput(), Format.signedPercent(throughputDrift()),
                latency.load().throughput(), p50(), p99(), Format.number(serverMicrosPerCall(), 0),
                errors(), unexpectedErrors(), skipped(),
                cpu.loadGeneratorCores(), cpu.serverCores(), cpu.otherCores(),
                Format.percent(latency.cpu().machineBusyFraction()), latency.cpu().otherCores());
    }
}
