package dev.postbox.app;

import dev.postbox.app.ConfigOptions.Opt;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the common command lines ({@code --name value}, {@code --name=value}, a bare boolean flag)
 * over the environment and the config file without picocli, whose model of {@link BrokerConfig}
 * costs a start about 0.3 s of CPU (docs/benchmarks.md#startup). It gives up, returning null, on
 * anything else: help, the version, an unknown or repeated option, a missing or refused value, a
 * list setting given a value, an argument that is not an option. {@link ConfigCommandLine}
 * (picocli) then reads the same input again and answers as it always did, so every message stays
 * its own. What it does read it reads as picocli would: the same converters, the same precedence,
 * the same sources recorded.
 */
final class QuickConfigReader {
  private QuickConfigReader() {}

  /**
   * Fills {@code config} and returns where each value came from, or null for picocli to read the
   * input (then {@code config} may be half filled: use a new one).
   */
  static ConfigSources read(BrokerConfig config, String[] args, Map<String, String> env) {
    try {
      return tryRead(config, args, env);
    } catch (RuntimeException | ReflectiveOperationException e) {
      return null; // a refused value, a config file picocli's reading will refuse alike, ...
    }
  }

  private static ConfigSources tryRead(BrokerConfig config, String[] args, Map<String, String> env)
      throws ReflectiveOperationException {
    Map<String, Opt> byFlag = new HashMap<>();
    for (Opt o : ConfigOptions.all()) {
      byFlag.put(o.flag(), o);
    }
    Map<Opt, String> given = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || a.equals("--")) {
        return null; // -h, -V, a positional argument, the end of options
      }
      int eq = a.indexOf('=');
      Opt o = byFlag.get(eq > 0 ? a.substring(0, eq) : a);
      if (o == null || o.multiValue() || given.containsKey(o)) {
        return null; // --help, --version, unknown, a list, given twice
      }
      String value;
      if (eq > 0) {
        value = a.substring(eq + 1);
        if (value.isEmpty()) {
          return null;
        }
      } else if (o.bool()) {
        if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
          return null; // --test-mode true: picocli decides whether it takes the value
        }
        value = "true";
      } else {
        if (i + 1 >= args.length || args[i + 1].startsWith("-")) {
          return null;
        }
        value = args[++i];
      }
      given.put(o, value);
    }
    ConfigSources sources = new ConfigSources(ConfigOptions.configFile(args, env));
    for (Opt o : ConfigOptions.all()) {
      String fallback = ConfigOptions.fallback(o.flag(), o.defaultValue(), env, sources);
      if (fallback != null && o.multiValue()) {
        return null;
      }
      Object fromFallback = fallback == null ? null : convert(o, fallback);
      String flagged = given.get(o);
      if (flagged != null) {
        o.field().set(o.owner(config), convert(o, flagged));
        sources.flag(o.flag(), flagged);
      } else if (fromFallback != null) {
        o.field().set(o.owner(config), fromFallback);
      }
    }
    return sources;
  }

  /** A setting's text as its type reads it; throws on a value picocli would refuse. */
  private static Object convert(Opt o, String text) {
    Class<?> type = o.field().getType();
    if (o.converter() != null) {
      if (o.converter() != SettingConverters.ByteSize.class) {
        throw new IllegalStateException("no quick converter for " + o.flag());
      }
      return new SettingConverters.ByteSize().convert(text);
    }
    if (type == String.class) {
      return text;
    } else if (type == int.class) {
      return Integer.valueOf(text);
    } else if (type == boolean.class) {
      return SettingConverters.bool(text);
    } else if (type == Duration.class) {
      return SettingConverters.duration(text);
    } else if (type == Path.class) {
      return Path.of(text);
    }
    throw new IllegalStateException("no quick converter for " + o.flag());
  }
}
