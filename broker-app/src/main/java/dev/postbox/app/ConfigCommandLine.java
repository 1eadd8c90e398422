package dev.postbox.app;

import dev.postbox.app.BrokerConfig.HelpRequested;
import dev.postbox.app.BrokerConfig.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Reads {@link BrokerConfig}'s annotated settings from the command line, the environment and the
 * config file with picocli when {@link QuickConfigReader} gives up (help, the version, a mistake, a
 * list flag), names an unknown option's nearest flag, and renders the settings as the help text.
 */
final class ConfigCommandLine {
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
    ConfigSources sources = new ConfigSources(ConfigOptions.configFile(args, env));
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
    return ConfigOptions.fallback(o.longestName(), o.defaultValue(), env, sources);
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
