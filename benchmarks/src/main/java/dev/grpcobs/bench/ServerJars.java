package dev.grpcobs.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Private copies of the agent and demo shop jars, taken once at the start. Every round then runs exactly the
 * same code even if the module is rebuilt meanwhile, and a JVM never reads a jar that is being rewritten.
 */
final class ServerJars {

    private final Path agentJar;
    private final Path demoJar;
    private final String agentDescription;

    private ServerJars(Path agentJar, Path demoJar, String agentDescription) {
        this.agentJar = agentJar;
        this.demoJar = demoJar;
        this.agentDescription = agentDescription;
    }

    /** Copies both jars into a temporary directory that is removed when the benchmark exits. */
    static ServerJars snapshot(Path agentJar, Path demoJar) throws IOException {
        requireFile(agentJar, "agent jar");
        requireFile(demoJar, "demo shop jar");
        Path dir = Files.createTempDirectory("grpcobs-bench");
        // Files marked later are deleted first, so the directory is marked before its contents.
        dir.toFile().deleteOnExit();
        Path agentCopy = copy(agentJar, dir.resolve("agent.jar"));
        Path demoCopy = copy(demoJar, dir.resolve("demo-shop.jar"));
        String description = agentJar + " (" + Files.size(agentCopy) + " bytes, sha256 "
                + sha256(agentCopy).substring(0, 16) + ")";
        return new ServerJars(agentCopy, demoCopy, description);
    }

    Path agentJar() {
        return agentJar;
    }

    Path demoJar() {
        return demoJar;
    }

    /** Where the agent came from and which build it is, for the report. */
    String describeAgent() {
        return agentDescription;
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        to.toFile().deleteOnExit();
        return to;
    }

    private static void requireFile(Path path, String what) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(what + " not found: " + path
                    + " (build it first, or run from the repository root, or pass its path)");
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[65536];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            StringBuilder hex = new StringBuilder();
            for (byte b : digest.digest()) {
                hex.append(String.format("%02x", b & 0xff));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
