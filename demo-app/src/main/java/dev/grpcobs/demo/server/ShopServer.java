package dev.grpcobs.demo.server;

import dev.grpcobs.demo.DaemonThreadFactory;
import dev.grpcobs.demo.proto.InventoryGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A running Inventory or Orders server, with the timer and channel it owns. Closing it stops it gracefully. */
public final class ShopServer implements AutoCloseable {

    private static final long GRACE_SECONDS = 5;

    private final String name;
    private final Server server;
    private final ScheduledExecutorService scheduler;
    private final ManagedChannel inventoryChannel;

    private ShopServer(String name, Server server, ScheduledExecutorService scheduler,
            ManagedChannel inventoryChannel) {
        this.name = name;
        this.server = server;
        this.scheduler = scheduler;
        this.inventoryChannel = inventoryChannel;
    }

    /** Starts an Inventory server on {@code port}; 0 picks a free port, see {@link #port()}. */
    public static ShopServer startInventory(int port, ServerOptions options) throws IOException {
        ScheduledExecutorService scheduler = newScheduler("inventory");
        InventoryService service = new InventoryService(new Warehouse(), new FaultInjector(options, scheduler),
                scheduler, options.streamIntervalMs());
        try {
            // The inventory uses the classic ServerBuilder entry point and the orders the newer Grpc one,
            // so an agent attached to the demo sees both ways of building a server.
            Server server = ServerBuilder.forPort(port).addService(service).build().start();
            return new ShopServer("inventory", server, scheduler, null);
        } catch (IOException | RuntimeException e) {
            scheduler.shutdownNow();
            throw e;
        }
    }

    /** Starts an Orders server on {@code port} that calls the Inventory server at {@code inventoryTarget}. */
    public static ShopServer startOrders(int port, String inventoryTarget, ServerOptions options)
            throws IOException {
        ScheduledExecutorService scheduler = newScheduler("orders");
        ManagedChannel channel = Grpc.newChannelBuilder(inventoryTarget, InsecureChannelCredentials.create()).build();
        OrdersService service = new OrdersService(InventoryGrpc.newStub(channel),
                new FaultInjector(options, scheduler));
        try {
            Server server = Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create())
                    .addService(service)
                    .build()
                    .start();
            return new ShopServer("orders", server, scheduler, channel);
        } catch (IOException | RuntimeException e) {
            channel.shutdownNow();
            scheduler.shutdownNow();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    /** The port the server is bound to, which is the real one when it was started on port 0. */
    public int port() {
        return server.getPort();
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** Refuses new calls, lets running ones finish for up to 5 s, then cancels what is left. */
    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (inventoryChannel != null) {
            inventoryChannel.shutdownNow();
        }
        scheduler.shutdownNow();
    }

    private static ScheduledExecutorService newScheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(new DaemonThreadFactory(name + "-timer"));
    }
}
