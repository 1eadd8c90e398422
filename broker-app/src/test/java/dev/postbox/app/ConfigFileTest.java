package dev.postbox.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --config postbox.yaml}: precedence, refusals that name the line, masking. */
class ConfigFileTest {
  private static final String KEY_A = "sig_a_current_0123456789_0123456789";
  private static final String KEY_B = "sig_a_next_0123456789_0123456789_xx";

  @TempDir Path dir;

  private Path file(String yaml) throws IOException {
    Path p = dir.resolve("postbox.yaml");
    Files.writeString(p, yaml);
    return p;
  }

  private BrokerConfig parse(Path file, Map<String, String> env, String... flags) {
    String[] args = new String[flags.length + 2];
    args[0] = "--config";
    args[1] = file.toString();
    System.arraycopy(flags, 0, args, 2, flags.length);
    return BrokerConfig.parse(args, env);
  }

  private IllegalArgumentException refused(String yaml) throws IOException {
    Path f = file(yaml);
    return assertThrows(IllegalArgumentException.class, () -> parse(f, Map.of()));
  }

  @Test
  void aFlagWinsOverTheEnvironmentWhichWinsOverTheFileWhichWinsOverTheDefault() throws Exception {
    Path f =
        file(
            """
            port: 9001
            keep-ended: 5m
            max-retries: 3
            metrics-auth: true
            log-format: json
            """);
    BrokerConfig c =
        parse(f, Map.of("POSTBOX_PORT", "9002", "POSTBOX_KEEP_ENDED", "7m"), "--port", "9003");
    assertEquals(9003, c.port(), "flag over environment and file");
    assertEquals(Duration.ofMinutes(7), c.keepEnded(), "environment over file");
    assertEquals(3, c.maxRetries(), "file over default");
    assertTrue(c.metricsAuth());
    assertTrue(c.logging().json());
    assertEquals(Duration.ofDays(7), c.logRetention(), "the default where nothing sets it");
    assertTrue(c.devMode(), "no token and no tenants");
  }

  @Test
  void theFileCanBeNamedByTheEnvironmentAndEverySettingHasAName() throws Exception {
    Path f = file("data-dir: /tmp/from-file\nmax-body-size: 2m\n");
    BrokerConfig c = BrokerConfig.parse(new String[0], Map.of("POSTBOX_CONFIG", f.toString()));
    assertEquals(Path.of("/tmp/from-file"), c.dataDir());
    assertEquals(2 << 20, c.maxBodyBytes());
    StringBuilder all = new StringBuilder();
    for (BrokerConfig.Setting s : BrokerConfig.SETTINGS) {
      if (!s.flag().equals("--config") && !s.flag().contains("signing-key")) {
        String name = s.flag().substring(2);
        all.append(name)
            .append(": ")
            .append(
                s.flag().equals("--redis-url")
                    ? "redis://x:6379" // a value it accepts: it is checked to be a Redis URL
                    : s.defaultValue().equals("(unset)") ? "x" : s.defaultValue())
            .append('\n');
      }
    }
    BrokerConfig every = parse(file(all.toString()), Map.of());
    assertEquals("x", every.token(), "the file holds every setting the flags take");
  }

  @Test
  void tenantsFromTheFileEndDevModeAndKeepTheirKeys() throws Exception {
    Path f =
        file(
            """
            tenants:
              - id: acme
                token: acme-token
                current-signing-key: %s
                next-signing-key: %s
              - id: beta
                token: beta-token
            """
                .formatted(KEY_A, KEY_B));
    BrokerConfig c = parse(f, Map.of());
    assertFalse(c.devMode());
    assertEquals(2, c.fileTenants.size());
    assertEquals("acme", c.fileTenants.get(0).id());
    assertEquals(KEY_A, c.fileTenants.get(0).currentSigningKey());
    assertEquals("beta-token", c.fileTenants.get(1).token());
    assertEquals(null, c.fileTenants.get(1).currentSigningKey());
  }

  @Test
  void anUnknownSettingIsRefusedWithItsLineAndTheNearestName() throws Exception {
    IllegalArgumentException e = refused("port: 1\n\nprot: 8080\n");
    assertEquals(
        dir.resolve("postbox.yaml") + " line 3: unknown setting prot (did you mean port?)",
        e.getMessage());
  }

  @Test
  void aBadValueIsRefusedNamingTheSettingAndTheLine() throws Exception {
    IllegalArgumentException notANumber = refused("host: 0.0.0.0\nport: eighty\n");
    assertTrue(
        notANumber.getMessage().startsWith(dir.resolve("postbox.yaml") + " line 2: port: "),
        notANumber.getMessage());
    assertTrue(notANumber.getMessage().contains("'eighty'"), notANumber.getMessage());
    IllegalArgumentException duration = refused("keep-ended: awhile\n");
    assertTrue(duration.getMessage().contains("line 1: keep-ended: "), duration.getMessage());
    IllegalArgumentException outOfRange = refused("\nport: 70000\n");
    assertEquals(
        "--port must be 0..65535 (" + dir.resolve("postbox.yaml") + " line 2)",
        outOfRange.getMessage());
    IllegalArgumentException list = refused("port:\n  - 1\n  - 2\n");
    assertTrue(
        list.getMessage().endsWith("line 2: port must be a single value, not a list or a map"),
        list.getMessage());
    IllegalArgumentException empty = refused("host:\n");
    assertTrue(empty.getMessage().endsWith("line 1: host has no value"), empty.getMessage());
    IllegalArgumentException twice = refused("port: 1\nport: 2\n");
    assertTrue(
        twice.getMessage().endsWith("line 2: port is set twice (first on line 1)"),
        twice.getMessage());
  }

  @Test
  void aFlagOverridesABadValueInTheFileWithoutReadingIt() throws Exception {
    Path f = file("port: eighty\n");
    assertEquals(9000, parse(f, Map.of(), "--port", "9000").port());
  }

  @Test
  void malformedYamlAndAMissingFileAreRefused() throws Exception {
    IllegalArgumentException yaml = refused("port: 1\n  host: [oops\n");
    assertTrue(yaml.getMessage().contains("not valid YAML"), yaml.getMessage());
    assertTrue(yaml.getMessage().contains(" line "), yaml.getMessage());
    IllegalArgumentException twoDocuments = refused("port: 1\n---\nport: 2\n");
    assertTrue(
        twoDocuments.getMessage().contains("line 3: only one YAML document is read"),
        twoDocuments.getMessage());
    IllegalArgumentException notAMap = refused("- port\n");
    assertTrue(
        notAMap
            .getMessage()
            .endsWith("line 1: the file must be a map of settings (like port: 8080)"),
        notAMap.getMessage());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class, () -> parse(dir.resolve("nope.yaml"), Map.of()));
    assertEquals(
        "config file " + dir.resolve("nope.yaml") + " does not exist", missing.getMessage());
  }

  @Test
  void badTenantsAreRefusedNamingTheirLine() throws Exception {
    IllegalArgumentException unknown = refused("tenants:\n  - id: a\n    token: t\n    tokn: u\n");
    assertTrue(
        unknown.getMessage().endsWith("line 4: unknown tenant setting tokn (did you mean token?)"),
        unknown.getMessage());
    IllegalArgumentException problems =
        refused(
            """
            tenants:
              - id: a
                token: same
              - id: a
                token: same
                current-signing-key: short
              - token: t3
            """);
    String m = problems.getMessage();
    String at4 = dir.resolve("postbox.yaml") + " line 4: tenants[1]: ";
    assertTrue(m.contains(at4 + "id a is also the id of "), m);
    assertTrue(m.contains(at4 + "token is also the token of "), m);
    assertTrue(m.contains(at4 + "give both current-signing-key and next-signing-key"), m);
    assertTrue(m.contains(at4 + "signing keys must be at least 32 characters"), m);
    assertTrue(m.contains("line 7: tenants[2]: id must be"), m);
    IllegalArgumentException main =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                parse(
                    file("tenants:\n  - id: main\n    token: other\n"),
                    Map.of(),
                    "--token",
                    "prod"));
    assertTrue(
        main.getMessage().contains("id main is also the id of the --token tenant"),
        main.getMessage());
  }

  @Test
  void theEffectiveConfigurationSaysWhereEachValueCameFromAndMasksSecrets() throws Exception {
    Path f =
        file(
            """
            port: 9001
            token: file-token-secret
            current-signing-key: %s
            next-signing-key: %s
            tenants:
              - id: acme
                token: acme-token-secret
            """
                .formatted(KEY_A, KEY_B));
    BrokerConfig c = parse(f, Map.of("POSTBOX_HOST", "0.0.0.0"), "--max-retries", "4");
    String text = EffectiveConfig.text(c);
    for (String secret : new String[] {"file-token-secret", KEY_A, KEY_B, "acme-token-secret"}) {
      assertFalse(text.contains(secret), "a secret is printed: " + text);
    }
    String name = dir.resolve("postbox.yaml").toString();
    assertTrue(
        text.matches("(?s).*\\n  port +9001 +" + Pattern.quote(name) + " line 1\\n.*"), text);
    assertTrue(text.matches("(?s).*\\n  host +0\\.0\\.0\\.0 +POSTBOX_HOST\\n.*"), text);
    assertTrue(text.matches("(?s).*\\n  max-retries +4 +flag\\n.*"), text);
    assertTrue(text.matches("(?s).*\\n  keep-ended +1m +default\\n.*"), text);
    assertTrue(text.matches("(?s).*\\n  token +\\*{8} +.*line 2\\n.*"), text);
    assertTrue(text.contains("acme (token ********, signing keys generated once, stored)"), text);
    assertTrue(
        EffectiveConfig.text(BrokerConfig.defaults())
            .matches("(?s).*\\n  token +\\(unset\\) +default\\n.*"));
  }

  @Test
  void helpIsAnsweredWhateverTheFileHolds() throws Exception {
    Path f = file("prot: 1\n");
    assertThrows(
        BrokerConfig.HelpRequested.class,
        () -> BrokerConfig.parse(new String[] {"--config", f.toString(), "--help"}, Map.of()));
  }
}
