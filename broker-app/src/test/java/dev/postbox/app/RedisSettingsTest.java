package dev.postbox.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.tenant.DevTenants;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisSettingsTest {
  @Test
  void offByDefault() {
    BrokerConfig c = BrokerConfig.defaults();
    assertNull(c.redisUrl());
    assertNull(c.redisToken());
  }

  @Test
  void inDevModeTheTokenDefaultsToTheDevQstashToken() {
    BrokerConfig c =
        BrokerConfig.parse(new String[0], Map.of("POSTBOX_REDIS_URL", "redis://127.0.0.1:6379"));
    assertEquals("redis://127.0.0.1:6379", c.redisUrl());
    assertEquals(DevTenants.DEFAULT_USER.token(), c.redisToken());
    assertTrue(c.redisTokenIsDevDefault());
  }

  @Test
  void outsideDevModeATokenIsRequired() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                BrokerConfig.parse(
                    new String[] {"--token", "prod", "--redis-url", "redis://r:6379"}, Map.of()));
    assertTrue(e.getMessage().contains("--redis-url needs --redis-token"), e.getMessage());
    BrokerConfig c =
        BrokerConfig.parse(
            new String[] {"--token", "prod", "--redis-url", "redis://r:6379"},
            Map.of("POSTBOX_REDIS_TOKEN", "rtok"));
    assertEquals("rtok", c.redisToken());
    assertFalse(c.redisTokenIsDevDefault());
  }

  @Test
  void aUrlThatIsNotRedisIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> BrokerConfig.parse(new String[] {"--redis-url", "http://r:6379"}, Map.of()));
    assertTrue(
        e.getMessage().contains("--redis-url must look like redis://host:port"), e.getMessage());
  }

  @Test
  void fromTheConfigFileWithTheTokenMasked(@TempDir Path dir) throws Exception {
    Path yaml = dir.resolve("postbox.yaml");
    Files.writeString(yaml, "redis-url: redis://cache:6379\nredis-token: very-secret\n");
    BrokerConfig c = BrokerConfig.parse(new String[] {"--config", yaml.toString()}, Map.of());
    assertEquals("redis://cache:6379", c.redisUrl());
    assertEquals("very-secret", c.redisToken());
    String text = EffectiveConfig.text(c);
    assertFalse(text.contains("very-secret"), text);
    assertTrue(text.contains("redis-url                redis://cache:6379"), text);
  }
}
