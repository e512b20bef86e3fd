package dev.grpcobs.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.concurrent.TimeUnit;

/** Facts about the machine and the JVMs, without which benchmark numbers cannot be compared. */
final class MachineInfo {

    private static final long QUIET_CHECK_MILLIS = 3_000;

    private final int cores;
    private final String os;
    private final String cpuModel;
    private final String benchmarkJava;
    private final String serverJava;
    private final double coresBusyAtStart;

    private MachineInfo(int cores, String os, String cpuModel, String benchmarkJava, String serverJava,
            double coresBusyAtStart) {
        this.cores = cores;
        this.os = os;
        this.cpuModel = cpuModel;
        this.benchmarkJava = benchmarkJava;
        this.serverJava = serverJava;
        this.coresBusyAtStart = coresBusyAtStart;
    }

    static MachineInfo collect(Path serverJava) throws InterruptedException {
        return new MachineInfo(
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                cpuModel(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                javaVersion(serverJava),
                coresBusyElsewhere());
    }

    int cores() {
        return cores;
    }

    String describeMachine() {
        return cores + " cores (" + cpuModel + "), " + os + "; " + Format.number(coresBusyAtStart, 2)
                + " cores busy with other work at the start";
    }

    String benchmarkJava() {
        return benchmarkJava;
    }

    String serverJava() {
        return serverJava;
    }

    /** Cores busy with something else for a few seconds: anything clearly above zero disturbs the numbers. */
    private static double coresBusyElsewhere() throws InterruptedException {
        CpuMeter.Usage start = CpuMeter.sample(Collections.<Long>emptyList());
        Thread.sleep(QUIET_CHECK_MILLIS);
        return CpuMeter.sample(Collections.<Long>emptyList()).since(start).otherCores();
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: the model is merely left out.
        }
        return "model unknown";
    }

    /** The first line of {@code java -version}, e.g. openjdk version "17.0.15" 2025-04-15, plus the path. */
    private static String javaVersion(Path java) throws InterruptedException {
        String first = "version unknown";
        try {
            Process process = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line = out.readLine();
                if (line != null) {
                    first = line.trim();
                }
                while (out.readLine() != null) {
                    // drain, so the process can exit
                }
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            first = "cannot run: " + e.getMessage();
        }
        return first + " (" + java + ")";
    }
}
