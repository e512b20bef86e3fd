package dev.grpcobs.demo;

import dev.grpcobs.demo.load.LoadConfig;
import dev.grpcobs.demo.load.LoadGenerator;
import dev.grpcobs.demo.load.LoadResult;
import dev.grpcobs.demo.load.Mix;
import dev.grpcobs.demo.server.ServerOptions;
import dev.grpcobs.demo.server.ShopServer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Command-line entry point of the demo shop: run a server, the load generator, or everything at once. */
public final class DemoShop {

    static final String USAGE = String.join(System.lineSeparator(),
            "usage:",
            "  inventory --port P [server options]",
            "  orders    --port P --inventory HOST:PORT [server options]",
            "  loadgen   --target HOST:PORT [--rps N] [--duration-s S] [--concurrency C] [--mix unary|all]",
            "            [--seed N] [--deadline-ms N]",
            "  all       [--orders-port 50051] [--inventory-port 50052] [--rps 20] [--duration-s 0]",
            "            [--concurrency C] [--mix unary|all] [server options]",
            "server options: [--error-rate 0..1] [--latency-ms N] [--latency-jitter-ms N] [--seed N]",
            "                [--stream-interval-ms N]",
            "--port 0 picks a free port; --duration-s 0 runs until the process is stopped.");

    private static final String[] SERVER_OPTIONS = {
        "--error-rate", "--latency-ms", "--latency-jitter-ms", "--seed", "--stream-interval-ms"};
    private static final String[] LOAD_OPTIONS = {"--rps", "--duration-s", "--concurrency", "--mix", "--deadline-ms"};
    private static final long SHUTDOWN_WAIT_SECONDS = 20;

    private DemoShop() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    /** Runs one subcommand and returns the process exit code: 0 when done, 2 for bad arguments. */
    static int run(String[] args, PrintStream out) throws Exception {
        try {
            String command = args.length == 0 ? "" : args[0];
            switch (command) {
                case "inventory":
                    return inventory(Args.parse(args, 1, with(SERVER_OPTIONS, "--port")), out);
                case "orders":
                    return orders(Args.parse(args, 1, with(SERVER_OPTIONS, "--port", "--inventory")), out);
                case "loadgen":
                    return loadgen(Args.parse(args, 1, with(LOAD_OPTIONS, "--target", "--seed")), out);
                case "all":
                    return all(Args.parse(args, 1, with(with(SERVER_OPTIONS, LOAD_OPTIONS),
                            "--orders-port", "--inventory-port")), out);
                default:
                    throw new IllegalArgumentException(command.isEmpty() ? "no command" : "unknown command " + command);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
    }

    private static int inventory(Args args, PrintStream out) throws Exception {
        ShopServer server = ShopServer.startInventory(args.intValue("--port", 50052), serverOptions(args));
        return serveUntilStopped(server, out);
    }

    private static int orders(Args args, PrintStream out) throws Exception {
        ShopServer server = ShopServer.startOrders(args.intValue("--port", 50051), args.required("--inventory"),
                serverOptions(args));
        return serveUntilStopped(server, out);
    }

    private static int loadgen(Args args, PrintStream out) throws Exception {
        LoadConfig config = loadConfig(args, 10, out);
        ManagedChannel channel = ManagedChannelBuilder.forTarget(args.required("--target")).usePlaintext().build();
        runLoad(new LoadGenerator(channel, config), out, channel::shutdownNow);
        return 0;
    }

    private static int all(Args args, PrintStream out) throws Exception {
        ServerOptions options = serverOptions(args);
        LoadConfig config = loadConfig(args, 0, out);
        ShopServer inventory = ShopServer.startInventory(args.intValue("--inventory-port", 50052), options);
        ShopServer orders;
        try {
            orders = ShopServer.startOrders(args.intValue("--orders-port", 50051),
                    "localhost:" + inventory.port(), options);
        } catch (IOException | RuntimeException e) {
            inventory.close();
            throw e;
        }
        announce(inventory, out);
        announce(orders, out);
        ManagedChannel channel = ManagedChannelBuilder.forTarget("localhost:" + orders.port())
                .usePlaintext()
                .build();
        runLoad(new LoadGenerator(channel, config), out, () -> {
            channel.shutdownNow();
            orders.close();
            inventory.close();
        });
        return 0;
    }

    /** Blocks until the server terminates; SIGTERM (or Ctrl-C) shuts it down gracefully. */
    private static int serveUntilStopped(ShopServer server, PrintStream out) throws InterruptedException {
        // The hook goes in before the announcement, so a SIGTERM sent as soon as it is read is graceful too.
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, server.name() + "-shutdown"));
        announce(server, out);
        server.awaitTermination();
        return 0;
    }

    private static ShopServer announce(ShopServer server, PrintStream out) {
        out.println(server.name() + " listening on " + server.port());
        out.flush();
        return server;
    }

    /**
     * Runs the generator, prints its final summary, then runs {@code cleanUp}. A SIGTERM stops the run early;
     * the shutdown hook then waits for the summary and the clean-up, so a run stopped halfway still reports
     * what it did and its servers still shut down gracefully.
     */
    private static void runLoad(LoadGenerator generator, PrintStream out, Runnable cleanUp)
            throws InterruptedException {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            generator.stop();
            try {
                finished.await(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "loadgen-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            LoadResult result = generator.run();
            out.println("[loadgen] final " + result.summary());
            out.flush();
        } finally {
            cleanUp.run();
            finished.countDown();
            removeHook(hook);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running: nothing to undo.
        }
    }

    private static ServerOptions serverOptions(Args args) {
        return new ServerOptions()
                .errorRate(args.doubleValue("--error-rate", 0))
                .latencyMs(args.longValue("--latency-ms", 0))
                .latencyJitterMs(args.longValue("--latency-jitter-ms", 0))
                .seed(args.longValue("--seed", 1))
                .streamIntervalMs(args.longValue("--stream-interval-ms", 10));
    }

    private static LoadConfig loadConfig(Args args, long defaultDurationSeconds, PrintStream out) {
        LoadConfig.Builder config = LoadConfig.builder()
                .rps(args.doubleValue("--rps", 20))
                .concurrency(args.intValue("--concurrency", 16))
                .mix(Mix.parse(args.string("--mix", "all")))
                .seed(args.longValue("--seed", 42))
                .callDeadline(Duration.ofMillis(args.longValue("--deadline-ms", 5000)))
                .progress(out::println);
        long seconds = args.longValue("--duration-s", defaultDurationSeconds);
        if (seconds < 0) {
            throw new IllegalArgumentException("--duration-s must not be negative, got " + seconds);
        }
        return seconds == 0 ? config.untilStopped().build() : config.duration(Duration.ofSeconds(seconds)).build();
    }

    private static String[] with(String[] base, String... more) {
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }
}
