package dev.grpcobs.demo;

import dev.grpcobs.demo.proto.InventoryGrpc;
import dev.grpcobs.demo.proto.OrdersGrpc;
import dev.grpcobs.demo.server.ServerOptions;
import dev.grpcobs.demo.server.ShopServer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;

/** A real Inventory and Orders server on free ports, with plaintext channels to both. */
public final class ShopFixture implements AutoCloseable {

    public final ShopServer inventory;
    public final ShopServer orders;
    public final ManagedChannel inventoryChannel;
    public final ManagedChannel ordersChannel;

    public ShopFixture(ServerOptions inventoryOptions, ServerOptions ordersOptions) throws IOException {
        inventory = ShopServer.startInventory(0, inventoryOptions);
        orders = ShopServer.startOrders(0, "localhost:" + inventory.port(), ordersOptions);
        inventoryChannel = ManagedChannelBuilder.forTarget("localhost:" + inventory.port()).usePlaintext().build();
        ordersChannel = ManagedChannelBuilder.forTarget("localhost:" + orders.port()).usePlaintext().build();
    }

    public static ShopFixture healthy() throws IOException {
        return new ShopFixture(new ServerOptions(), new ServerOptions());
    }

    public String ordersTarget() {
        return "localhost:" + orders.port();
    }

    public InventoryGrpc.InventoryBlockingStub inventoryBlocking() {
        return InventoryGrpc.newBlockingStub(inventoryChannel);
    }

    public InventoryGrpc.InventoryStub inventoryAsync() {
        return InventoryGrpc.newStub(inventoryChannel);
    }

    public OrdersGrpc.OrdersBlockingStub ordersBlocking() {
        return OrdersGrpc.newBlockingStub(ordersChannel);
    }

    public OrdersGrpc.OrdersStub ordersAsync() {
        return OrdersGrpc.newStub(ordersChannel);
    }

    @Override
    public void close() {
        ordersChannel.shutdownNow();
        inventoryChannel.shutdownNow();
        orders.close();
        inventory.close();
    }
}
