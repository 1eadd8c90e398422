package dev.postbox.app;

import ch.qos.logback.classic.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** How the server logs: text or one JSON object a line, and from which level. */
public final class LoggingSettings {
  @Option(
      names = "--log-format",
      defaultValue = "text",
      description = "text, or json: one JSON object a line (on stderr either way)")
  String format;

  @Option(
      names = "--log-level",
      defaultValue = "INFO",
      description =
          "TRACE, DEBUG (each delivery), INFO (failed attempts, DLQ moves, schedule changes),"
              + " WARN, ERROR or OFF; libraries log at INFO or above")
  String level;

  public boolean json() {
    return format.equals("json");
  }

  public Level level() {
    return Level.toLevel(level, Level.INFO);
  }

  List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (!format.equals("text") && !format.equals("json")) {
      problems.add("--log-format must be text or json");
    }
    String l = level.toUpperCase(Locale.ROOT);
    if (!List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF").contains(l)) {
      problems.add("--log-level must be TRACE, DEBUG, INFO, WARN, ERROR or OFF");
    }
    return problems;
  }
}
