package dev.postbox.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerConfigTest {
  @Test
  void connectionTimeoutsDefaultToAMinuteComeFromFlagsOrEnvironmentAndZeroMeansNone() {
    BrokerConfig d = BrokerConfig.parse(new String[0], Map.of());
    assertEquals(Duration.ofSeconds(60), d.requestTimeout());
    assertEquals(Duration.ofSeconds(60), d.idleTimeout());
    BrokerConfig c =
        BrokerConfig.parse(
            new String[] {"--request-timeout", "5s", "--idle-timeout=0"},
            Map.of("POSTBOX_IDLE_TIMEOUT", "2m", "POSTBOX_REQUEST_TIMEOUT", "9"));
    assertEquals(Duration.ofSeconds(5), c.requestTimeout(), "the flag wins");
    assertEquals(Duration.ZERO, c.idleTimeout());
    assertEquals(
        Duration.ofSeconds(9),
        BrokerConfig.parse(new String[0], Map.of("POSTBOX_REQUEST_TIMEOUT", "9")).requestTimeout());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> BrokerConfig.parse(new String[] {"--idle-timeout", "-1s"}, Map.of()));
    assertTrue(e.getMessage().contains("--idle-timeout"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> BrokerConfig.parse(new String[] {"--request-timeout", "soon"}, Map.of()));
  }

  @Test
  void theDeliveryLagLimitTakesMillisecondsAndZeroTurnsItOff() {
    assertEquals(
        Duration.ofMillis(20), BrokerConfig.parse(new String[0], Map.of()).deliveryLagLimit());
    assertEquals(
        Duration.ofMillis(50),
        BrokerConfig.parse(new String[] {"--delivery-lag-limit", "50ms"}, Map.of())
            .deliveryLagLimit());
    assertEquals(
        Duration.ZERO,
        BrokerConfig.parse(new String[0], Map.of("POSTBOX_DELIVERY_LAG_LIMIT", "0"))
            .deliveryLagLimit());
    assertThrows(
        IllegalArgumentException.class,
        () -> BrokerConfig.parse(new String[] {"--delivery-lag-limit", "-5ms"}, Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> BrokerConfig.parse(new String[] {"--delivery-lag-limit", "fastms"}, Map.of()));
  }

  @Test
  void theSyncWindowTakesMicrosOrMillisAndIsBounded() {
    assertEquals(Duration.ofMillis(1), BrokerConfig.parse(new String[0], Map.of()).syncWindow());
    assertEquals(
        Duration.ofNanos(500_000),
        BrokerConfig.parse(new String[] {"--sync-window", "500us"}, Map.of()).syncWindow());
    assertEquals(
        Duration.ZERO,
        BrokerConfig.parse(new String[0], Map.of("POSTBOX_SYNC_WINDOW", "0")).syncWindow());
    assertThrows(
        IllegalArgumentException.class,
        () -> BrokerConfig.parse(new String[] {"--sync-window", "-1ms"}, Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> BrokerConfig.parse(new String[] {"--sync-window", "2s"}, Map.of()));
  }

  @Test
  void everySettingIsInTheReadmesConfigurationTable() throws Exception {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme);
    for (BrokerConfig.Setting s : BrokerConfig.SETTINGS) {
      assertTrue(
          text.contains("| `" + s.flag() + "` | `" + s.env() + "` |"),
          s.flag() + " is missing from README.md's configuration table");
    }
  }
}
