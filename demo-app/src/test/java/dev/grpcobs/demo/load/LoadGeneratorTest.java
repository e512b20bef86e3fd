package dev.grpcobs.demo.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcobs.demo.ShopFixture;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Load runs against real servers. Only counts are asserted, never how long anything took. */
class LoadGeneratorTest {

    private static ShopFixture shop;

    @BeforeAll
    static void startShop() throws Exception {
        shop = ShopFixture.healthy();
    }

    @AfterAll
    static void stopShop() {
        shop.close();
    }

    @Test
    void fixedRateRunOfEveryCallShapeAccountsForEveryCall() throws Exception {
        List<String> reports = Collections.synchronizedList(new ArrayList<String>());
        LoadConfig config = LoadConfig.builder()
                .rps(50)
                .duration(Duration.ofSeconds(2))
                .concurrency(8)
                .mix(Mix.ALL)
                .reportEvery(Duration.ofMillis(500))
                .progress(reports::add)
                .build();

        LoadResult result = new LoadGenerator(shop.ordersChannel, config).run();

        assertTrue(result.total() > 0, result.summary());
        assertEquals(result.started(), result.total(), result.summary());
        assertEquals(result.total(), result.ok() + result.errors(), result.summary());
        assertTrue(result.ok() > 0, result.summary());
        assertTrue(result.p50Millis() > 0, result.summary());
        assertTrue(result.p99Millis() >= result.p50Millis(), result.summary());
        assertTrue(result.maxMillis() >= result.p99Millis(), result.summary());
        for (String report : reports) {
            assertTrue(report.startsWith("[loadgen] calls="), report);
        }
    }

    @Test
    void closedLoopRunAccountsForEveryCall() throws Exception {
        LoadConfig config = LoadConfig.builder()
                .rps(0)
                .duration(Duration.ofSeconds(1))
                .concurrency(4)
                .mix(Mix.UNARY)
                .build();

        LoadResult result = LoadGenerator.run(shop.ordersTarget(), config);

        assertTrue(result.total() > 0, result.summary());
        assertEquals(result.started(), result.total(), result.summary());
        assertEquals(result.total(), result.ok() + result.errors(), result.summary());
        assertEquals(0, result.skipped(), result.summary());
    }

    @Test
    void failedCallsAreCountedByStatusCode() throws Exception {
        // The inventory server does not implement the Orders service, so every call is UNIMPLEMENTED.
        LoadConfig config = LoadConfig.builder().rps(100).duration(Duration.ofMillis(500)).build();

        LoadResult result = new LoadGenerator(shop.inventoryChannel, config).run();

        assertTrue(result.total() > 0, result.summary());
        assertEquals(0, result.ok(), result.summary());
        assertEquals(Collections.singletonMap(Status.Code.UNIMPLEMENTED, result.total()), result.errorsByCode());
    }

    @Test
    void stopEndsARunWithoutADuration() throws Exception {
        LoadGenerator generator = new LoadGenerator(shop.ordersChannel,
                LoadConfig.builder().rps(50).untilStopped().build());
        CompletableFuture<LoadResult> run = CompletableFuture.supplyAsync(() -> {
            try {
                return generator.run();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        while (generator.snapshot().total() == 0) {
            Thread.sleep(10);
        }
        generator.stop();
        LoadResult result = run.get(30, TimeUnit.SECONDS);

        assertEquals(result.started(), result.total(), result.summary());
        assertThrows(IllegalStateException.class, generator::run);
    }
}
