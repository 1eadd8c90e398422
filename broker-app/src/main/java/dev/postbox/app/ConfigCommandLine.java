package dev.postbox.app;

import dev.postbox.app.BrokerConfig.HelpRequested;
import dev.postbox.app.BrokerConfig.Setting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Reads {@link BrokerConfig}'s annotated settings from the command line, the environment and the
 * config file with picocli, names an unknown option's nearest flag, and renders the settings as the
 * help text.
 */
final class ConfigCommandLine {
  private static final String ENV_PREFIX = "POSTBOX_";

  /** The option that names the config file. */
  static final String CONFIG = "--config";

  private static final Set<String> HELP_AND_VERSION = Set.of("-h", "--help", "-V", "--version");

  private ConfigCommandLine() {}

  /**
   * Fills {@code config} from flags ({@code --name value} or {@code --name=value}) over environment
   * variables over the config file ({@code --config} or {@code POSTBOX_CONFIG}) over defaults.
   *
   * @return where each value came from, and the config file if there is one
   * @throws HelpRequested for {@code --help} or {@code --version}
   * @throws IllegalArgumentException with a message for the user on bad input
   */
  static ConfigSources read(BrokerConfig config, String[] args, Map<String, String> env) {
    CommandLine cli = SettingConverters.register(new CommandLine(config));
    ConfigSources sources = new ConfigSources(configFile(cli, args, env));
    cli.setDefaultValueProvider(arg -> arg instanceof OptionSpec o ? value(o, env, sources) : null);
    CommandLine.ParseResult result;
    try {
      result = cli.parseArgs(args);
    } catch (CommandLine.UnmatchedArgumentException e) {
      throw new IllegalArgumentException(unknownOption(e), e);
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(located(e, sources), e);
    }
    if (result.isUsageHelpRequested()) {
      throw new HelpRequested(false);
    }
    if (result.isVersionHelpRequested()) {
      throw new HelpRequested(true);
    }
    for (OptionSpec o : cli.getCommandSpec().options()) {
      if (result.hasMatchedOption(o)) {
        List<String> given = o.originalStringValues();
        String text =
            given.isEmpty()
                ? ""
                : o.isMultiValue() ? String.join(",", given) : given.get(given.size() - 1);
        sources.flag(o.longestName(), text.isEmpty() ? "true" : text);
      }
    }
    return sources;
  }

  /** An option's value when no flag gives it: the environment's, the file's or the default. */
  private static String value(OptionSpec o, Map<String, String> env, ConfigSources sources) {
    if (o.usageHelp() || o.versionHelp()) {
      return null;
    }
    String flag = o.longestName();
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
    sources.byDefault(flag, o.defaultValue());
    return o.defaultValue();
  }

  /**
   * The file {@code --config} or else {@code POSTBOX_CONFIG} names, read; null when neither does,
   * or when help or the version is asked for (answered whatever the file holds).
   */
  private static ConfigFile configFile(CommandLine cli, String[] args, Map<String, String> env) {
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
    for (OptionSpec o : cli.getCommandSpec().options()) {
      if (!o.usageHelp() && !o.versionHelp() && !o.longestName().equals(CONFIG)) {
        known.add(o.longestName().substring(2));
        if (o.isMultiValue()) {
          lists.add(o.longestName().substring(2));
        }
      }
    }
    return ConfigFile.read(Path.of(path), known, lists);
  }

  /** A value picocli refused, with the file's line when the value came from the file. */
  private static String located(CommandLine.ParameterException e, ConfigSources sources) {
    if (e.getArgSpec() instanceof OptionSpec o) {
      ConfigSources.Source s = sources.of(o.longestName());
      if (s != null && s.fromFile()) {
        return s.where() + ": " + o.longestName().substring(2) + ": " + e.getMessage();
      }
    }
    return e.getMessage();
  }

  private static String unknownOption(CommandLine.UnmatchedArgumentException e) {
    List<String> unmatched = e.getUnmatched();
    String arg = unmatched.isEmpty() ? "?" : unmatched.get(0);
    int eq = arg.indexOf('=');
    String name = eq > 0 ? arg.substring(0, eq) : arg;
    if (!name.startsWith("-")) {
      return "unexpected argument " + name + " (options start with --; see --help)";
    }
    List<String> flags = new ArrayList<>();
    for (OptionSpec o : e.getCommandLine().getCommandSpec().options()) {
      flags.add(o.longestName());
    }
    return "unknown option "
        + name
        + NearestName.of(name, flags)
            .map(n -> " (did you mean " + n + "?)")
            .orElse(" (see --help)");
  }

  /** {@code --max-body-size} becomes {@code POSTBOX_MAX_BODY_SIZE}. */
  static String envName(String flag) {
    return ENV_PREFIX + flag.substring(2).replace('-', '_').toUpperCase(Locale.ROOT);
  }

  static List<Setting> settings(BrokerConfig blank) {
    List<Setting> out = new ArrayList<>();
    for (OptionSpec o : new CommandLine(blank).getCommandSpec().options()) {
      if (o.usageHelp() || o.versionHelp()) {
        continue;
      }
      String flag = o.longestName();
      String d = o.defaultValue();
      out.add(
          new Setting(
              flag, envName(flag), d == null ? "(unset)" : d, String.join(" ", o.description())));
    }
    return List.copyOf(out);
  }

  /** The help text: usage, then {@code settings} as a table. */
  static String usage(List<Setting> settings) {
    StringBuilder sb =
        new StringBuilder("Usage: java -jar postbox.jar [options]\n\n")
            .append("Options (flag, environment variable, default):\n");
    for (Setting s : settings) {
      sb.append(
          String.format(
              "  %-26s %-30s %-16s %s%n", s.flag(), s.env(), s.defaultValue(), s.meaning()));
    }
    sb.append(String.format("  %-26s %s%n", "-h, --help", "show this help and exit"))
        .append(String.format("  %-26s %s%n", "-V, --version", "print the version and exit"));
    return sb.toString();
  }
}
