package dev.postbox.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The text log writes exactly what {@link LogOutput#TEXT_PATTERN} does with PatternLayout. */
class TextLayoutTest {
  private final LoggerContext context = new LoggerContext();

  @Test
  void writesWhatThePatternWrites() {
    PatternLayout pattern = new PatternLayout();
    pattern.setContext(context);
    pattern.setPattern(LogOutput.TEXT_PATTERN);
    pattern.start();
    TextLayout text = new TextLayout();
    text.setContext(context);
    text.start();
    IOException cause = new IOException("disk full");
    List<LoggingEvent> events =
        List.of(
            event("dev.postbox.app.Broker", Level.INFO, "shutting down", null),
            event(
                "dev.postbox.storage.rocksdb.RocksDbNativeLibrary.SomeVeryLongNestedName",
                Level.WARN,
                "cannot load RocksDB from {}, using a temporary copy: {}",
                null,
                "/data/native",
                "java.lang.UnsatisfiedLinkError: x"),
            event("org.quartz", Level.ERROR, "job failed", new IllegalStateException("no", cause)),
            event("d", Level.DEBUG, "dispatch pass {} took {} ms", null, 3, 1.5),
            event("dev.postbox.core", Level.TRACE, "", null));
    for (LoggingEvent e : events) {
      assertEquals(pattern.doLayout(e), text.doLayout(e));
    }
    String withTrace = text.doLayout(events.get(2));
    assertTrue(withTrace.contains("Caused by: java.io.IOException: disk full"), withTrace);
  }

  private LoggingEvent event(
      String logger, Level level, String message, Throwable thrown, Object... args) {
    Logger l = context.getLogger(logger);
    LoggingEvent e = new LoggingEvent(Logger.class.getName(), l, level, message, thrown, args);
    e.setTimeStamp(1_765_000_000_123L);
    return e;
  }
}
