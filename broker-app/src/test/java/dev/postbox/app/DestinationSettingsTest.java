package dev.postbox.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.destination.DestinationPolicy;
import dev.postbox.core.destination.DestinationRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --allow-destinations}, {@code --deny-destinations} and {@code --destination-profile}. */
class DestinationSettingsTest {
  @TempDir Path dir;

  private static String verdict(BrokerConfig c, String host) {
    return c.destinations().deniedBy(host).map(DestinationRule::toString).orElse("allowed");
  }

  @Test
  void theDefaultAllowsEverything() {
    BrokerConfig c = BrokerConfig.defaults();
    assertTrue(c.destinations().allowsAll());
    assertEquals("allowed", verdict(c, "127.0.0.1"));
  }

  @Test
  void flagsTakeCommaSeparatedListsAndMayBeRepeated() {
    BrokerConfig c =
        BrokerConfig.parse(
            new String[] {
              "--deny-destinations",
              "10.0.0.0/8, *.internal",
              "--deny-destinations=fd00::/8",
              "--allow-destinations",
              "10.0.0.7"
            },
            Map.of());
    assertEquals("deny 10.0.0.0/8", verdict(c, "10.0.0.1"));
    assertEquals("allowed", verdict(c, "10.0.0.7"));
    assertEquals("deny *.internal", verdict(c, "db.internal"));
    assertEquals("deny fd00::/8", verdict(c, "[fd00::1]"));
    assertTrue(
        EffectiveConfig.text(c).contains("10.0.0.0/8, *.internal,fd00::/8"),
        EffectiveConfig.text(c));
  }

  @Test
  void theEnvironmentTakesCommaSeparatedLists() {
    BrokerConfig c =
        BrokerConfig.parse(
            new String[0],
            Map.of(
                "POSTBOX_DENY_DESTINATIONS", "127.0.0.0/8,localhost",
                "POSTBOX_ALLOW_DESTINATIONS", "127.0.0.2"));
    assertEquals("deny 127.0.0.0/8", verdict(c, "127.0.0.1"));
    assertEquals("deny localhost", verdict(c, "localhost"));
    assertEquals("allowed", verdict(c, "127.0.0.2"));
  }

  @Test
  void theConfigFileTakesAYamlListOrACommaSeparatedString() throws Exception {
    Path f = dir.resolve("postbox.yaml");
    Files.writeString(
        f,
        """
        deny-destinations:
          - 10.0.0.0/8
          - "*.internal"
        allow-destinations: 10.0.0.7, ok.internal
        """);
    BrokerConfig c = BrokerConfig.parse(new String[] {"--config", f.toString()}, Map.of());
    assertEquals("deny 10.0.0.0/8", verdict(c, "10.9.9.9"));
    assertEquals("deny *.internal", verdict(c, "db.internal"));
    assertEquals("allowed", verdict(c, "ok.internal"));
    assertEquals("allowed", verdict(c, "10.0.0.7"));
  }

  @Test
  void aBadEntryIsRefusedNamingTheSettingTheEntryAndTheFilesLine() throws Exception {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                BrokerConfig.parse(
                    new String[] {"--deny-destinations", "10.0.0.0/8,10.0.0.1/8"}, Map.of()));
    assertEquals(
        "--deny-destinations: '10.0.0.1/8': bits are set past the /8 prefix (did you mean"
            + " 10.0.0.0/8?)",
        e.getMessage());
    Path f = dir.resolve("postbox.yaml");
    Files.writeString(f, "port: 8080\nallow-destinations: [api.example.com, 'not a host']\n");
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> BrokerConfig.parse(new String[] {"--config", f.toString()}, Map.of()));
    assertTrue(
        e.getMessage().startsWith("--allow-destinations: 'not a host' is neither"), e.getMessage());
    assertTrue(e.getMessage().endsWith("(" + f + " line 2)"), e.getMessage());
    Files.writeString(f, "deny-destinations: [[10.0.0.0/8]]\n");
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> BrokerConfig.parse(new String[] {"--config", f.toString()}, Map.of()));
    assertEquals(
        f + " line 1: deny-destinations[0] must be a single value, not a list or a map",
        e.getMessage());
  }

  @Test
  void theProductionProfileDeniesInternalRangesExceptWhatIsAllowed() {
    BrokerConfig c =
        BrokerConfig.parse(
            new String[] {
              "--destination-profile", "production", "--allow-destinations", "127.0.0.1/32"
            },
            Map.of());
    DestinationPolicy p = c.destinations();
    assertEquals("allowed", verdict(c, "127.0.0.1"));
    assertEquals("deny 127.0.0.0/8 (production profile)", verdict(c, "127.0.0.2"));
    assertEquals("deny 192.168.0.0/16 (production profile)", verdict(c, "192.168.1.1"));
    assertEquals("allowed", p.deniedBy("example.com").map(Object::toString).orElse("allowed"));
    assertEquals(
        "--destination-profile must be open or production",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    BrokerConfig.parse(new String[] {"--destination-profile", "strict"}, Map.of()))
            .getMessage());
  }

  @Test
  void aPolicyNeedsTheNettyDeliverer() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                BrokerConfig.parse(
                    new String[] {"--deliverer", "jdk", "--destination-profile", "production"},
                    Map.of()));
    assertEquals(
        "--deny-destinations and --destination-profile need --deliverer netty", e.getMessage());
    BrokerConfig.parse(
        new String[] {"--deliverer", "jdk", "--allow-destinations", "10.0.0.1"}, Map.of());
  }
}
