package dev.grpcobs.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * CPU time of the load generator (this JVM), of the server JVMs and of the whole machine, from Linux's
 * /proc. On a small machine the three share the cores, so this shows whether a phase was limited by the
 * servers or by the generator, and gives the servers' CPU cost per call, which sharing does not distort.
 * Elsewhere every figure is unknown (NaN).
 */
final class CpuMeter {

    // /proc reports CPU time in USER_HZ ticks, which Linux fixes at 100 per second on mainstream platforms.
    private static final long NANOS_PER_TICK = 10_000_000L;
    // Fields 14 and 15 of /proc/PID/stat, counted after the ") " that ends the command name (field 2).
    private static final int UTIME_AFTER_NAME = 11;
    private static final int STIME_AFTER_NAME = 12;

    private CpuMeter() {
    }

    /**
     * The counters now, from an arbitrary origin: only the difference of two readings ({@link Usage#since})
     * means something.
     */
    static Usage sample(List<Long> serverPids) {
        long wall = System.nanoTime();
        try {
            long self = processCpuNanos("self");
            long servers = 0;
            for (long pid : serverPids) {
                servers += processCpuNanos(Long.toString(pid));
            }
            long[] machine = machineTicks();
            return new Usage(wall, self, servers, machine[0], machine[1]);
        } catch (IOException | RuntimeException e) {
            return new Usage(wall, -1, -1, -1, -1);
        }
    }

    private static long processCpuNanos(String pid) throws IOException {
        String stat = read(Paths.get("/proc", pid, "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        long ticks = Long.parseLong(fields[UTIME_AFTER_NAME]) + Long.parseLong(fields[STIME_AFTER_NAME]);
        return ticks * NANOS_PER_TICK;
    }

    /** {busy, total} ticks of all cores: the first line of /proc/stat, idle and iowait counting as not busy. */
    private static long[] machineTicks() throws IOException {
        String first = read(Paths.get("/proc/stat")).split("\n", 2)[0];
        String[] fields = first.trim().split("\\s+");
        long total = 0;
        // Guest time (fields 9 and 10) is already included in user and nice time.
        for (int i = 1; i < Math.min(fields.length, 9); i++) {
            total += Long.parseLong(fields[i]);
        }
        long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
        return new long[] {total - idle, total};
    }

    private static String read(Path path) throws IOException {
        return new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
    }

    /**
     * CPU used over an interval (or several, taken together), or the counters at one moment as {@link #sample}
     * reads them; cores are CPU seconds per wall-clock second. Negative counters mean unknown.
     */
    static final class Usage {

        static final Usage UNKNOWN = new Usage(0, -1, -1, -1, -1);

        private final long wallNanos;
        private final long loadGeneratorCpuNanos;
        private final long serverCpuNanos;
        private final long machineBusyTicks;
        private final long machineTotalTicks;

        private Usage(long wallNanos, long loadGeneratorCpuNanos, long serverCpuNanos, long machineBusyTicks,
                long machineTotalTicks) {
            this.wallNanos = wallNanos;
            this.loadGeneratorCpuNanos = loadGeneratorCpuNanos;
            this.serverCpuNanos = serverCpuNanos;
            this.machineBusyTicks = machineBusyTicks;
            this.machineTotalTicks = machineTotalTicks;
        }

        /** What was used between {@code earlier} and this reading of the counters. */
        Usage since(Usage earlier) {
            if (loadGeneratorCpuNanos < 0 || earlier.loadGeneratorCpuNanos < 0) {
                return UNKNOWN;
            }
            return new Usage(wallNanos - earlier.wallNanos, loadGeneratorCpuNanos - earlier.loadGeneratorCpuNanos,
                    serverCpuNanos - earlier.serverCpuNanos, machineBusyTicks - earlier.machineBusyTicks,
                    machineTotalTicks - earlier.machineTotalTicks);
        }

        /** The intervals together, as if one; unknown if any of them is. */
        static Usage combine(List<Usage> parts) {
            long wall = 0;
            long generator = 0;
            long servers = 0;
            long busy = 0;
            long total = 0;
            for (Usage part : parts) {
                if (!part.known()) {
                    return UNKNOWN;
                }
                wall += part.wallNanos;
                generator += part.loadGeneratorCpuNanos;
                servers += part.serverCpuNanos;
                busy += part.machineBusyTicks;
                total += part.machineTotalTicks;
            }
            return parts.isEmpty() ? UNKNOWN : new Usage(wall, generator, servers, busy, total);
        }

        private boolean known() {
            return loadGeneratorCpuNanos >= 0 && wallNanos > 0;
        }

        private double cores(double cpuNanos) {
            return known() ? cpuNanos / wallNanos : Double.NaN;
        }

        double loadGeneratorCores() {
            return cores(loadGeneratorCpuNanos);
        }

        double serverCores() {
            return cores(serverCpuNanos);
        }

        /** Server CPU time per call in microseconds, or NaN. */
        double serverMicrosPerCall(long calls) {
            return !known() || calls == 0 ? Double.NaN : serverCpuNanos / 1000.0 / calls;
        }

        /**
         * Cores used by neither the load generator nor the servers: the kernel's share of the traffic plus any
         * other process. Clearly above zero means the machine was not quiet and the numbers are suspect.
         */
        double otherCores() {
            return cores(machineBusyTicks * NANOS_PER_TICK - loadGeneratorCpuNanos - serverCpuNanos);
        }

        /** Share of all cores' time that was busy, 0 to 1. */
        double machineBusyFraction() {
            return !known() || machineTotalTicks <= 0 ? Double.NaN : machineBusyTicks / (double) machineTotalTicks;
        }
    }
}
