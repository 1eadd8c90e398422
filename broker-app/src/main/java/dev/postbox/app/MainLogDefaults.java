package dev.postbox.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's first configuration in the server's own process ({@link Main}): what {@code
 * logback.xml} says (text on stderr at INFO, Quartz at WARN), set up in code, since reading the XML
 * costs a start about a fifth of its time (docs/benchmarks.md#startup) and {@link LogOutput}
 * replaces it a moment later anyway. Anywhere else (a test JVM that runs the broker with its own
 * {@code logback-test.xml}) it steps aside and Logback reads its files as usual.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class MainLogDefaults extends ContextAwareBase implements Configurator {
  /** Set by {@link Main} before anything logs. */
  static final String IN_MAIN = "postbox.main";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (!Boolean.getBoolean(IN_MAIN)) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("console");
    console.setTarget("System.err");
    console.setEncoder(LogOutput.text(context));
    console.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(console);
    context.getLogger("org.quartz").setLevel(Level.WARN);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
