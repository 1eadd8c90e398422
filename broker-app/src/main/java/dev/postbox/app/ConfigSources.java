package dev.postbox.app;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each setting's value came from (a flag, the environment, the config file or the default)
 * and its text there, so that a refused value from the file names its line and the effective
 * configuration can say where each value was set.
 */
final class ConfigSources {
  /** One setting's origin; {@code where} is what the user reads: a flag, a variable, a line. */
  record Source(String text, String where, boolean fromFile) {}

  private static final Pattern FLAG = Pattern.compile("--[a-z0-9-]+");

  private final Map<String, Source> byFlag = new LinkedHashMap<>();
  private final ConfigFile file;

  /**
   * @param file the config file, or null without one
   */
  ConfigSources(ConfigFile file) {
    this.file = file;
  }

  /** The config file, or null. */
  ConfigFile file() {
    return file;
  }

  void flag(String flag, String text) {
    byFlag.put(flag, new Source(text, "flag", false));
  }

  void environment(String flag, String env, String text) {
    byFlag.put(flag, new Source(text, env, false));
  }

  void file(String flag, ConfigFile.Value v) {
    byFlag.put(flag, new Source(v.text(), file.line(v.line()), true));
  }

  void byDefault(String flag, String text) {
    byFlag.put(flag, new Source(text, "default", false));
  }

  /** The setting's origin, or null if it was never asked for (help, version). */
  Source of(String flag) {
    return byFlag.get(flag);
  }

  /**
   * A problem found in the settings, with the file's line added for each setting it names that the
   * file set: {@code --port must be 0..65535 (postbox.yaml line 2)}.
   */
  String locate(String problem) {
    StringBuilder lines = new StringBuilder();
    Matcher m = FLAG.matcher(problem);
    while (m.find()) {
      Source s = byFlag.get(m.group());
      if (s != null && s.fromFile()) {
        lines.append(lines.length() == 0 ? " (" : ", ").append(s.where());
      }
    }
    return lines.length() == 0 ? problem : problem + lines + ")";
  }

  List<String> locate(List<String> problems) {
    return problems.stream().map(this::locate).toList();
  }
}
