package dev.postbox.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.postbox.app.BrokerConfig.Setting;
import java.lang.reflect.Constructor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class QuickConfigReaderTest {
  @TempDir Path dir;

  @Test
  void readsWhatPicocliReadsTheSameWay() throws Exception {
    Path file = dir.resolve("postbox.yaml");
    Files.writeString(file, "port: 7001\nkeep-ended: 5m\nlog-level: WARN\nmetrics-auth: true\n");
    String config = file.toString();
    same(new String[0], Map.of());
    same(new String[] {"--port", "0", "--test-mode", "--data-dir", dir.toString()}, Map.of());
    same(
        new String[] {
          "--port=9",
          "--host",
          "0.0.0.0",
          "--max-body-size",
          "5m",
          "--sync-window",
          "2ms",
          "--metrics-auth",
          "--test-mode=false",
          "--cron-seconds=TRUE",
          "--token",
          "t0ken",
          "--deliverer=jdk"
        },
        Map.of());
    same(
        new String[] {"--idle-timeout", "2m"},
        Map.of(
            "POSTBOX_PORT", " 1234 ",
            "POSTBOX_IDLE_TIMEOUT", "9s",
            "POSTBOX_LOG_LEVEL", "DEBUG",
            "POSTBOX_TEST_MODE", "true",
            "POSTBOX_MAX_STORAGE", "2g",
            "POSTBOX_HOST", " "));
    same(new String[] {"--config", config, "--log-level", "ERROR"}, Map.of("POSTBOX_PORT", "7"));
    same(new String[] {"--keep-ended=1s"}, Map.of("POSTBOX_CONFIG", config));
  }

  @Test
  void leavesEverythingElseToPicocli() {
    for (String[] args :
        List.of(
            new String[] {"--help"},
            new String[] {"-h"},
            new String[] {"--version"},
            new String[] {"-V"},
            new String[] {"--port", "abc"},
            new String[] {"--port"},
            new String[] {"--port="},
            new String[] {"--port", "--test-mode"},
            new String[] {"--nope"},
            new String[] {"--port", "1", "--port", "2"},
            new String[] {"--deny-destinations", "10.0.0.0/8"},
            new String[] {"--allow-destinations=a,b"},
            new String[] {"serve"},
            new String[] {"--test-mode", "true"},
            new String[] {"--idle-timeout", "-1s"},
            new String[] {"--", "--port", "1"})) {
      assertNull(QuickConfigReader.read(blank(), args, Map.of()), String.join(" ", args));
    }
    assertNull(QuickConfigReader.read(blank(), new String[0], Map.of("POSTBOX_PORT", "x")));
    assertNull(
        QuickConfigReader.read(blank(), new String[0], Map.of("POSTBOX_DENY_DESTINATIONS", "*")));
    assertNull(
        QuickConfigReader.read(
            blank(), new String[0], Map.of("POSTBOX_CONFIG", dir.resolve("none.yaml").toString())));
  }

  @Test
  void theSettingsAreThoseOfPicocliSModel() {
    List<Setting> picocli = new ArrayList<>();
    for (OptionSpec o : new CommandLine(blank()).getCommandSpec().options()) {
      if (!o.usageHelp() && !o.versionHelp()) {
        String d = o.defaultValue();
        picocli.add(
            new Setting(
                o.longestName(),
                ConfigOptions.envName(o.longestName()),
                d == null ? "(unset)" : d,
                String.join(" ", o.description())));
      }
    }
    assertEquals(picocli, BrokerConfig.SETTINGS);
    for (OptionSpec o : new CommandLine(blank()).getCommandSpec().options()) {
      if (!o.usageHelp() && !o.versionHelp()) {
        assertEquals(o.isMultiValue(), opt(o.longestName()).multiValue(), o.longestName());
      }
    }
  }

  /** Both readers on the same input: every setting's value and source alike. */
  private static void same(String[] args, Map<String, String> env) throws Exception {
    BrokerConfig quick = blank();
    ConfigSources quickSources = QuickConfigReader.read(quick, args, env);
    assertNotNull(quickSources, "the quick reader gave up on " + String.join(" ", args));
    BrokerConfig picocli = blank();
    ConfigSources picocliSources = ConfigCommandLine.read(picocli, args, env);
    for (ConfigOptions.Opt o : ConfigOptions.all()) {
      assertEquals(
          o.field().get(o.owner(picocli)), o.field().get(o.owner(quick)), o.flag() + " value");
      assertEquals(picocliSources.of(o.flag()), quickSources.of(o.flag()), o.flag() + " source");
    }
  }

  private static ConfigOptions.Opt opt(String flag) {
    return ConfigOptions.all().stream()
        .filter(o -> o.flag().equals(flag))
        .findFirst()
        .orElseThrow();
  }

  private static BrokerConfig blank() {
    try {
      Constructor<BrokerConfig> c = BrokerConfig.class.getDeclaredConstructor();
      c.setAccessible(true);
      return c.newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
