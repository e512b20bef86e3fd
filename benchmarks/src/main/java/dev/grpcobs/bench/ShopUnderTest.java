package dev.grpcobs.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** The demo shop's Inventory and Orders servers, each in its own JVM, run as one variant prescribes. */
final class ShopUnderTest implements AutoCloseable {

    /** The same for every variant, and nothing else: heap sized so that no variant is short of memory. */
    static final List<String> JVM_FLAGS = Collections.unmodifiableList(
            Arrays.asList("-Xms256m", "-Xmx256m", "-XX:+UseG1GC"));

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final ServerProcess inventory;
    private final ServerProcess orders;

    private ShopUnderTest(ServerProcess inventory, ServerProcess orders) {
        this.inventory = inventory;
        this.orders = orders;
    }

    static ShopUnderTest start(Path java, ServerJars jars, Variant variant)
            throws IOException, InterruptedException {
        ServerProcess inventory = ServerProcess.start("inventory",
                command(java, jars, variant, "inventory", "--port", "0"), !variant.isBaseline(), START_TIMEOUT);
        try {
            String inventoryTarget = "127.0.0.1:" + inventory.port();
            ServerProcess orders = ServerProcess.start("orders",
                    command(java, jars, variant, "orders", "--port", "0", "--inventory", inventoryTarget),
                    !variant.isBaseline(), START_TIMEOUT);
            return new ShopUnderTest(inventory, orders);
        } catch (IOException | RuntimeException e) {
            inventory.close();
            throw e;
        }
    }

    /** What the agent printed when it attached in the Orders server, or null without the agent. */
    String agentBanner() {
        return orders.agentBanner();
    }

    /** Where the load goes. */
    String ordersTarget() {
        return "127.0.0.1:" + orders.port();
    }

    List<ServerProcess> servers() {
        return Arrays.asList(inventory, orders);
    }

    List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        for (ServerProcess server : servers()) {
            pids.add(server.pid());
        }
        return pids;
    }

    /** Stops Orders first, so it never calls an Inventory that is already gone. */
    @Override
    public void close() throws InterruptedException {
        try {
            orders.close();
        } finally {
            inventory.close();
        }
    }

    private static List<String> command(Path java, ServerJars jars, Variant variant, String... demoArgs) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(JVM_FLAGS);
        if (!variant.isBaseline()) {
            command.add(variant.javaagentOption(jars.agentJar(), demoArgs[0]));
        }
        command.add("-jar");
        command.add(jars.demoJar().toString());
        command.addAll(Arrays.asList(demoArgs));
        return command;
    }
}
