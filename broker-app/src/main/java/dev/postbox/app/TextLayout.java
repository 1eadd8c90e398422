package dev.postbox.app;

import ch.qos.logback.classic.pattern.DateConverter;
import ch.qos.logback.classic.pattern.LevelConverter;
import ch.qos.logback.classic.pattern.LineSeparatorConverter;
import ch.qos.logback.classic.pattern.LoggerConverter;
import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.pattern.ThreadConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.pattern.Converter;
import ch.qos.logback.core.pattern.ConverterUtil;
import ch.qos.logback.core.pattern.FormatInfo;
import ch.qos.logback.core.pattern.LiteralConverter;
import java.util.List;

/**
 * The text log line of {@link LogOutput#TEXT_PATTERN}, built from the very converters Logback's
 * {@code PatternLayout} compiles that pattern into (with the stack trace it appends when a pattern
 * prints none), without the pattern compiler and the table of about 70 converters {@code
 * PatternLayout} sets up first: 65–115 ms of a start's CPU (docs/benchmarks.md#startup). {@code
 * TextLayoutTest} checks that both write the same lines.
 */
final class TextLayout extends LayoutBase<ILoggingEvent> {
  private Converter<ILoggingEvent> head;

  @Override
  public void start() {
    DateConverter date = new DateConverter();
    date.setOptionList(List.of("yyyy-MM-dd'T'HH:mm:ss.SSSXXX"));
    LevelConverter level = new LevelConverter();
    level.setFormattingInfo(FormatInfo.valueOf("-5"));
    LoggerConverter logger = new LoggerConverter();
    logger.setOptionList(List.of("36"));
    head =
        chain(
            date,
            new LiteralConverter<>(" "),
            level,
            new LiteralConverter<>(" ["),
            new ThreadConverter(),
            new LiteralConverter<>("] "),
            logger,
            new LiteralConverter<>(" - "),
            new MessageConverter(),
            new LineSeparatorConverter(),
            new ThrowableProxyConverter());
    ConverterUtil.setContextForConverters(getContext(), head);
    ConverterUtil.startConverters(head);
    super.start();
  }

  @SafeVarargs
  private static Converter<ILoggingEvent> chain(Converter<ILoggingEvent>... converters) {
    for (int i = 0; i + 1 < converters.length; i++) {
      converters[i].setNext(converters[i + 1]);
    }
    return converters[0];
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    if (!isStarted()) {
      return "";
    }
    StringBuilder line = new StringBuilder(256);
    for (Converter<ILoggingEvent> c = head; c != null; c = c.getNext()) {
      c.write(line, event);
    }
    return line.toString();
  }
}
