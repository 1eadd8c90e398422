package dev.postbox.app;

import dev.postbox.app.BrokerConfig.Setting;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@link BrokerConfig}'s settings as its {@code @Option} and {@code @Mixin} fields declare them,
 * read with plain reflection, in picocli's order (declaration order, a mixin's options where the
 * mixin is). Only the annotation types are loaded, not picocli itself: reading them costs a start a
 * fraction of what building picocli's model does (docs/benchmarks.md#startup).
 */
final class ConfigOptions {
  /** The value picocli's {@code @Option.defaultValue} has when none is given. */
  private static final String NO_DEFAULT = "__no_default_value__";

  /**
   * One setting.
   *
   * @param path the mixin fields to follow from the config, then the option's field
   * @param flag the option's longest name
   * @param defaultValue null when it has none
   * @param converter the option's own converter, or null
   */
  record Opt(
      List<Field> path, String flag, String defaultValue, String description, Class<?> converter) {
    Field field() {
      return path.get(path.size() - 1);
    }

    /** A list setting ({@code split = ","}), as picocli's {@code isMultiValue}. */
    boolean multiValue() {
      return Collection.class.isAssignableFrom(field().getType());
    }

    /** A flag that takes no value or an optional {@code =true}/{@code =false}. */
    boolean bool() {
      return field().getType() == boolean.class;
    }

    /** The object the field belongs to: {@code config} or one of its mixins. */
    Object owner(BrokerConfig config) throws IllegalAccessException {
      Object o = config;
      for (Field f : path.subList(0, path.size() - 1)) {
        o = f.get(o);
      }
      return o;
    }
  }

  private static final String ENV_PREFIX = "POSTBOX_";

  /** The option that names the config file. */
  static final String CONFIG = "--config";

  private static final Set<String> HELP_AND_VERSION = Set.of("-h", "--help", "-V", "--version");

  private ConfigOptions() {}

  private static final List<Opt> ALL = List.copyOf(collect(BrokerConfig.class, List.of()));

  /** Every setting, in the help text's order; without {@code --help} and {@code --version}. */
  static List<Opt> all() {
    return ALL;
  }

  private static List<Opt> collect(Class<?> type, List<Field> via) {
    List<Opt> out = new ArrayList<>();
    for (Field f : type.getDeclaredFields()) {
      List<Field> path = new ArrayList<>(via);
      path.add(f);
      if (f.isAnnotationPresent(Mixin.class)) {
        f.setAccessible(true);
        out.addAll(collect(f.getType(), path));
        continue;
      }
      Option o = f.getAnnotation(Option.class);
      if (o == null) {
        continue;
      }
      f.setAccessible(true);
      String flag = o.names()[0];
      for (String n : o.names()) {
        flag = n.length() > flag.length() ? n : flag;
      }
      String d = o.defaultValue().equals(NO_DEFAULT) ? null : o.defaultValue();
      Class<?> converter = o.converter().length == 0 ? null : o.converter()[0];
      out.add(new Opt(List.copyOf(path), flag, d, String.join(" ", o.description()), converter));
    }
    return out;
  }

  /** The settings as the help text lists them, from {@link ConfigOptions}. */
  static List<Setting> settings() {
    List<Setting> out = new ArrayList<>();
    for (ConfigOptions.Opt o : ConfigOptions.all()) {
      String d = o.defaultValue();
      out.add(new Setting(o.flag(), envName(o.flag()), d == null ? "(unset)" : d, o.description()));
    }
    return List.copyOf(out);
  }

  /** {@code --max-body-size} becomes {@code POSTBOX_MAX_BODY_SIZE}. */
  static String envName(String flag) {
    return ENV_PREFIX + flag.substring(2).replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /**
   * A setting's value when no flag gives it, recorded in {@code sources}: the environment's, the
   * file's or {@code defaultValue}.
   */
  static String fallback(
      String flag, String defaultValue, Map<String, String> env, ConfigSources sources) {
    String name = envName(flag);
    String v = env.get(name);
    if (v != null && !v.isBlank()) {
      sources.environment(flag, name, v.trim());
      return v.trim();
    }
    ConfigFile.Value fromFile =
        sources.file() == null ? null : sources.file().get(flag.substring(2));
    if (fromFile != null) {
      sources.file(flag, fromFile);
      return fromFile.text();
    }
    sources.byDefault(flag, defaultValue);
    return defaultValue;
  }

  /**
   * The file {@code --config} or else {@code POSTBOX_CONFIG} names, read; null when neither does,
   * or when help or the version is asked for (answered whatever the file holds).
   */
  static ConfigFile configFile(String[] args, Map<String, String> env) {
    String path = null;
    for (int i = 0; i < args.length; i++) {
      if (HELP_AND_VERSION.contains(args[i])) {
        return null;
      }
      if (args[i].equals(CONFIG) && i + 1 < args.length) {
        path = args[i + 1];
      } else if (args[i].startsWith(CONFIG + "=")) {
        path = args[i].substring(CONFIG.length() + 1);
      }
    }
    if (path == null) {
      String v = env.get(envName(CONFIG));
      path = v == null || v.isBlank() ? null : v.trim();
    }
    if (path == null) {
      return null;
    }
    Set<String> known = new HashSet<>();
    Set<String> lists = new HashSet<>();
    for (ConfigOptions.Opt o : ConfigOptions.all()) {
      if (!o.flag().equals(CONFIG)) {
        known.add(o.flag().substring(2));
        if (o.multiValue()) {
          lists.add(o.flag().substring(2));
        }
      }
    }
    return ConfigFile.read(Path.of(path), known, lists);
  }
}
