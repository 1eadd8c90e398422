package dev.postbox.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --test-mode}: off by default, on by flag or by POSTBOX_TEST_MODE, listed in the help. */
class TestModeSettingsTest {
  @Test
  void testModeIsOffByDefaultAndOnByFlagOrEnvironment() {
    assertFalse(BrokerConfig.defaults().testing().on());
    assertTrue(BrokerConfig.parse(new String[] {"--test-mode"}, Map.of()).testing().on());
    assertTrue(
        BrokerConfig.parse(new String[0], Map.of("POSTBOX_TEST_MODE", "true")).testing().on());
    assertFalse(
        BrokerConfig.parse(new String[] {"--test-mode=false"}, Map.of("POSTBOX_TEST_MODE", "true"))
            .testing()
            .on());
    assertTrue(BrokerConfig.usage().contains("POSTBOX_TEST_MODE"));
  }

  @Test
  void aCopyKeepsTestMode() {
    BrokerConfig on = BrokerConfig.parse(new String[] {"--test-mode"}, Map.of());
    assertTrue(on.withPort(0).testing().on());
    assertEquals(
        1, BrokerConfig.SETTINGS.stream().filter(s -> s.flag().equals("--test-mode")).count());
  }
}
