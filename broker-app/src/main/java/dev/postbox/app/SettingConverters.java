package dev.postbox.app;

import dev.postbox.core.delivery.Durations;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** How settings of types other than text and numbers are read. */
final class SettingConverters {
  private SettingConverters() {}

  /** Registers the converters for the setting types that need one. */
  static CommandLine register(CommandLine cli) {
    return cli.registerConverter(Duration.class, SettingConverters::duration)
        .registerConverter(boolean.class, SettingConverters::bool)
        .registerConverter(Boolean.class, SettingConverters::bool);
  }

  /** The API's duration syntax ({@code 500us}, {@code 250ms}, {@code 90s}, {@code 1h30m}, ...). */
  static Duration duration(String s) {
    try {
      return Durations.parse(s, "duration");
    } catch (RuntimeException e) {
      throw new TypeConversionException(
          "'" + s + "' is not a duration (like 500ms, 90s, 15m, 2h, 7d, or a number of seconds)");
    }
  }

  static boolean bool(String s) {
    if (s.equalsIgnoreCase("true")) {
      return true;
    }
    if (s.equalsIgnoreCase("false")) {
      return false;
    }
    throw new TypeConversionException("expected true or false, got '" + s + "'");
  }

  /** {@code 500m}, {@code 2g}, {@code 64k} or a plain number of bytes. */
  static final class ByteSize implements ITypeConverter<Long> {
    @Override
    public Long convert(String s) {
      String t = s.trim().toLowerCase(Locale.ROOT);
      long unit = 1;
      char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
      if (last == 'k' || last == 'm' || last == 'g') {
        unit = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
        t = t.substring(0, t.length() - 1);
      }
      try {
        long n = Long.parseLong(t);
        if (n < 0) {
          throw new TypeConversionException("'" + s + "' is negative");
        }
        return Math.multiplyExact(n, unit);
      } catch (NumberFormatException | ArithmeticException e) {
        throw new TypeConversionException(
            "'" + s + "' is not a size (a number of bytes, or with k, m or g)");
      }
    }
  }
}
