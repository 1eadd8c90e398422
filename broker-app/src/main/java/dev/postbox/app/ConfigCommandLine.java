package dev.postbox.app;

import dev.postbox.app.BrokerConfig.HelpRequested;
import dev.postbox.app.BrokerConfig.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Reads {@link BrokerConfig}'s annotated settings from the command line and the environment with
 * picocli, names an unknown option's nearest flag, and renders the settings as the help text.
 */
final class ConfigCommandLine {
  private static final String ENV_PREFIX = "POSTBOX_";

  private ConfigCommandLine() {}

  /**
   * Fills {@code config} from flags ({@code --name value} or {@code --name=value}) over environment
   * variables over defaults.
   *
   * @throws HelpRequested for {@code --help} or {@code --version}
   * @throws IllegalArgumentException with a message for the user on bad input
   */
  static void read(BrokerConfig config, String[] args, Map<String, String> env) {
    CommandLine cli = commandLine(config, env);
    CommandLine.ParseResult result;
    try {
      result = cli.parseArgs(args);
    } catch (CommandLine.UnmatchedArgumentException e) {
      throw new IllegalArgumentException(unknownOption(e), e);
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    if (result.isUsageHelpRequested()) {
      throw new HelpRequested(false);
    }
    if (result.isVersionHelpRequested()) {
      throw new HelpRequested(true);
    }
  }

  private static CommandLine commandLine(BrokerConfig config, Map<String, String> env) {
    CommandLine cli = SettingConverters.register(new CommandLine(config));
    cli.setDefaultValueProvider(
        arg -> {
          if (arg instanceof OptionSpec o && !o.usageHelp() && !o.versionHelp()) {
            String v = env.get(envName(o.longestName()));
            return v == null || v.isBlank() ? o.defaultValue() : v.trim();
          }
          return null;
        });
    return cli;
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
