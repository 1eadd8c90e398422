package dev.postbox.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.io.OutputStream;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Points Logback at stderr in the format and from the level {@link LoggingSettings} ask for,
 * replacing the text log of {@code logback.xml}. JSON is Logback's own {@link JsonEncoder}: one
 * object a line with {@code timestamp} (epoch milliseconds), {@code level}, {@code threadName},
 * {@code loggerName}, {@code formattedMessage}, the event's key-value pairs as {@code kvpList} and
 * any {@code throwable}.
 */
final class LogOutput {
  static final String TEXT_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n";

  /** The loggers {@code --log-level} sets below INFO: the server's own. */
  static final String SERVER_LOGGERS = "dev.postbox";

  private LogOutput() {}

  /** Logs to stderr as {@code settings} say. */
  static void apply(LoggingSettings settings) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return; // another SLF4J backend (a test's class path): it keeps its own configuration
    }
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setTarget("System.err");
    install(context, console, settings);
  }

  /** Logs to {@code out} as {@code settings} say (for tests). */
  static void apply(LoggingSettings settings, OutputStream out) {
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setOutputStream(out);
    install((LoggerContext) LoggerFactory.getILoggerFactory(), appender, settings);
  }

  private static void install(
      LoggerContext context, OutputStreamAppender<ILoggingEvent> appender, LoggingSettings s) {
    context.reset();
    appender.setContext(context);
    appender.setName("postbox");
    appender.setEncoder(s.json() ? json(context) : text(context));
    appender.start();
    Level level = s.level();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    // DEBUG and TRACE are for the server's own lines: the libraries' (Netty's, Micrometer's)
    // would bury them, so those stay at INFO unless the level is higher.
    root.setLevel(level.isGreaterOrEqual(Level.INFO) ? level : Level.INFO);
    context.getLogger(SERVER_LOGGERS).setLevel(level);
    // Quartz announces itself at INFO on every start; only its warnings matter here.
    context
        .getLogger("org.quartz")
        .setLevel(level.isGreaterOrEqual(Level.WARN) ? level : Level.WARN);
  }

  private static Encoder<ILoggingEvent> json(LoggerContext context) {
    JsonEncoder e = new JsonEncoder();
    e.setContext(context);
    e.setWithSequenceNumber(false);
    e.setWithNanoseconds(false);
    e.setWithContext(false);
    e.setWithMDC(false);
    e.setWithMessage(false); // the pattern with its {} ...
    e.setWithArguments(false); // ... and its arguments: formattedMessage has both
    e.setWithFormattedMessage(true);
    e.start();
    return e;
  }

  /** {@link #TEXT_PATTERN} as a {@link TextLayout}, which writes what that pattern would. */
  static Encoder<ILoggingEvent> text(LoggerContext context) {
    TextLayout layout = new TextLayout();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> e = new LayoutWrappingEncoder<>();
    e.setContext(context);
    e.setLayout(layout);
    e.start();
    return e;
  }
}
