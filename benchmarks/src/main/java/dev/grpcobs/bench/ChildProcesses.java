package dev.grpcobs.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every server JVM the benchmark started and has not stopped yet. A shutdown hook stops them, so that
 * neither Ctrl-C, an error nor the time limit leaves servers running behind the benchmark.
 */
final class ChildProcesses {

    private static final long GRACE_SECONDS = 5;
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::stopAll, "stop-server-jvms"));
    }

    private ChildProcesses() {
    }

    static void track(Process process) {
        LIVE.add(process);
    }

    static void forget(Process process) {
        LIVE.remove(process);
    }

    /** SIGTERM to all, then SIGKILL to whatever is still running after a grace period. */
    private static void stopAll() {
        List<Process> processes = new ArrayList<>(LIVE);
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(GRACE_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
