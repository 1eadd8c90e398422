package dev.postbox.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
  void endedMessagesAreKeptAMinuteByDefaultAndZeroTurnsThatOff() {
    assertEquals(Duration.ofMinutes(1), BrokerConfig.parse(new String[0], Map.of()).keepEnded());
    assertEquals(
        Duration.ofSeconds(30),
        BrokerConfig.parse(new String[0], Map.of("POSTBOX_KEEP_ENDED", "30s")).keepEnded());
    assertEquals(
        Duration.ZERO,
        BrokerConfig.parse(new String[] {"--keep-ended", "0"}, Map.of("POSTBOX_KEEP_ENDED", "5m"))
            .keepEnded());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> BrokerConfig.parse(new String[] {"--keep-ended", "awhile"}, Map.of()));
    assertTrue(e.getMessage().contains("--keep-ended"), e.getMessage());
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

  @Test
  void anUnknownOptionIsNamedWithTheNearestValidOne() {
    IllegalArgumentException near =
        assertThrows(
            IllegalArgumentException.class,
            () -> BrokerConfig.parse(new String[] {"--prot", "9"}, Map.of()));
    assertEquals("unknown option --prot (did you mean --port?)", near.getMessage());
    IllegalArgumentException far =
        assertThrows(
            IllegalArgumentException.class,
            () -> BrokerConfig.parse(new String[] {"--bogus"}, Map.of()));
    assertEquals("unknown option --bogus (see --help)", far.getMessage());
    IllegalArgumentException withValue =
        assertThrows(
            IllegalArgumentException.class,
            () -> BrokerConfig.parse(new String[] {"--max-retires=3"}, Map.of()));
    assertTrue(
        withValue.getMessage().startsWith("unknown option --max-retires (did you mean"),
        withValue.getMessage());
  }

  @Test
  void helpAndVersionAreAnsweredBeforeAnythingIsChecked() {
    BrokerConfig.HelpRequested version =
        assertThrows(
            BrokerConfig.HelpRequested.class,
            () -> BrokerConfig.parse(new String[] {"--version"}, Map.of()));
    assertTrue(version.version());
    BrokerConfig.HelpRequested help =
        assertThrows(
            BrokerConfig.HelpRequested.class,
            () -> BrokerConfig.parse(new String[] {"--help"}, Map.of("POSTBOX_PORT", "1")));
    assertFalse(help.version());
    assertTrue(Version.text().matches("Postbox \\d+\\.\\d+\\.\\d+.*"), Version.text());
    String usage = BrokerConfig.usage();
    for (BrokerConfig.Setting s : BrokerConfig.SETTINGS) {
      assertTrue(usage.contains(s.flag()) && usage.contains(s.env()), s.flag());
    }
  }

  @Test
  void eachSettingsEnvironmentNameComesFromItsFlag() {
    assertEquals("POSTBOX_MAX_BODY_SIZE", BrokerConfig.envName("--max-body-size"));
    BrokerConfig c =
        BrokerConfig.parse(
            new String[] {"--cron-seconds"},
            Map.of(
                "POSTBOX_MAX_BODY_SIZE", "2m",
                "POSTBOX_DATA_DIR", "/tmp/x",
                "POSTBOX_TOKEN", "secret-token",
                "POSTBOX_MAX_STORAGE", "1g"));
    assertEquals(2 << 20, c.maxBodyBytes());
    assertEquals(Path.of("/tmp/x"), c.dataDir());
    assertEquals("secret-token", c.token());
    assertEquals(1L << 30, c.maxStorageBytes());
    assertTrue(c.cronSeconds());
    assertFalse(c.devMode());
    BrokerConfig d = BrokerConfig.defaults();
    assertTrue(d.devMode());
    assertFalse(d.cronSeconds());
    assertEquals(Path.of("./postbox-data"), d.dataDir());
    assertEquals(Duration.ofDays(7), d.logRetention());
    assertEquals(Duration.ofHours(2), d.deliveryTimeout());
    assertEquals(0, d.maxStorageBytes());
    assertEquals(8080, d.withPort(0).withPort(8080).port());
    assertEquals(0, d.withPort(0).port());
    assertEquals(8080, d.port(), "withPort makes a copy");
  }
}
