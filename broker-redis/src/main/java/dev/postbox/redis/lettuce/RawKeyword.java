package dev.postbox.redis.lettuce;

import io.lettuce.core.protocol.ProtocolKeyword;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Any command name, as Lettuce sends it: the REST API passes commands Lettuce need not know.
 * Lettuce reads {@link #toString()} to spot MULTI and EXEC, so it is the name in upper case.
 */
final class RawKeyword implements ProtocolKeyword {
  static final RawKeyword MULTI = of("MULTI".getBytes(StandardCharsets.US_ASCII));
  static final RawKeyword EXEC = of("EXEC".getBytes(StandardCharsets.US_ASCII));

  private final byte[] bytes;
  private final String upper;

  private RawKeyword(byte[] bytes, String upper) {
    this.bytes = bytes;
    this.upper = upper;
  }

  static RawKeyword of(byte[] name) {
    return new RawKeyword(
        name.clone(), new String(name, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT));
  }

  @Override
  public byte[] getBytes() {
    return bytes;
  }

  @Override
  public String toString() {
    return upper;
  }
}
