package dev.grpcobs.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoShopTest {

    @Test
    void loadgenCommandRunsForItsDurationAndPrintsAFinalSummary() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ShopFixture shop = ShopFixture.healthy();
                PrintStream out = new PrintStream(bytes, true, "UTF-8")) {
            int exit = DemoShop.run(new String[] {
                "loadgen", "--target", shop.ordersTarget(), "--rps", "20", "--duration-s", "1", "--mix", "all"}, out);

            assertEquals(0, exit);
        }
        String printed = new String(bytes.toByteArray(), StandardCharsets.UTF_8);
        assertTrue(printed.contains("[loadgen] final calls="), printed);
    }

    @Test
    void badCommandLinesExitWithCode2() throws Exception {
        assertEquals(2, DemoShop.run(new String[0], System.out));
        assertEquals(2, DemoShop.run(new String[] {"bogus"}, System.out));
        assertEquals(2, DemoShop.run(new String[] {"orders", "--port", "0"}, System.out));
        assertEquals(2, DemoShop.run(new String[] {"loadgen", "--target", "localhost:1", "--mix", "some"},
                System.out));
        assertEquals(2, DemoShop.run(new String[] {"inventory", "--error-rate", "2"}, System.out));
    }
}
