package dev.grpcobs.bench;

import java.nio.file.Path;

/** One way of running the servers: without the agent (the baseline) or with it and some agent arguments. */
final class Variant {

    static final String BASELINE_NAME = "none";

    // Each server gets its own free metrics port on loopback, so servers never clash and nothing is exposed.
    private static final String ENDPOINT_ARGS = "http.port=0,http.host=127.0.0.1";

    private final String name;
    private final String agentArgs;

    private Variant(String name, String agentArgs) {
        this.name = name;
        this.agentArgs = agentArgs;
    }

    static Variant baseline() {
        return new Variant(BASELINE_NAME, null);
    }

    /** Parses {@code NAME=AGENT_ARGS}; empty arguments mean the agent's defaults. */
    static Variant parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--variant wants NAME=AGENT_ARGS, got '" + spec + "'");
        }
        String name = spec.substring(0, eq).trim();
        if (name.equals(BASELINE_NAME)) {
            throw new IllegalArgumentException("'" + BASELINE_NAME + "' is the built-in baseline without the agent");
        }
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException(
                    "variant names use letters, digits, '_', '.' and '-', got '" + name + "'");
        }
        return new Variant(name, spec.substring(eq + 1).trim());
    }

    String name() {
        return name;
    }

    /** Whether this variant records and exports spans (the agent traces unless told not to). */
    boolean traces() {
        return !isBaseline() && !agentArgs.replace(" ", "").contains("traces.enabled=false");
    }

    boolean isBaseline() {
        return agentArgs == null;
    }

    /** The -javaagent option for the server called {@code service}; only for agent variants. */
    String javaagentOption(Path agentJar, String service) {
        return "-javaagent:" + agentJar + "=" + agentArgumentsFor(service);
    }

    /** What this variant runs, for the report. */
    String describe() {
        return isBaseline() ? "no agent" : "-javaagent:<agent>=" + agentArgumentsFor("<server>");
    }

    // The fixed settings come first so that the variant's own arguments override them (the last key wins).
    private String agentArgumentsFor(String service) {
        String fixed = "service.name=" + service + "," + ENDPOINT_ARGS;
        return agentArgs.isEmpty() ? fixed : fixed + "," + agentArgs;
    }
}
