package dev.postbox.core.message;

import java.security.SecureRandom;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Identifier generation. Thread-safe. */
public final class Ids {
  private static final char[] ALPHANUM =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom SECURE = new SecureRandom();

  private long lastDlqMillis = -1;
  private long dlqSeq;

  /** Last value of the ordered part of message ids: (epoch ms << 12) + a sequence. */
  private static final AtomicLong ORDER = new AtomicLong();

  /**
   * {@code msg_} followed by 24 alphanumerics: 11 that grow with every id this process makes
   * (milliseconds and a sequence, in an alphabet whose byte order is its numeric order) and 13
   * random ones (about 77 bits). So ids sort in creation order, and messages due at the same
   * millisecond are delivered in the order they were created (FIFO among equals).
   */
  public static String messageId() {
    long now = System.currentTimeMillis() << 12;
    long order = ORDER.updateAndGet(last -> Math.max(last + 1, now));
    char[] out = new char[24];
    for (int i = 10; i >= 0; i--) {
      out[i] = ALPHANUM[(int) Long.remainderUnsigned(order, ALPHANUM.length)];
      order = Long.divideUnsigned(order, ALPHANUM.length);
    }
    Random rnd = ThreadLocalRandom.current();
    for (int i = 11; i < 24; i++) {
      out[i] = ALPHANUM[rnd.nextInt(ALPHANUM.length)];
    }
    return "msg_" + new String(out);
  }

  /**
   * When a message id of {@link #messageId()} was made, epoch ms (read back from its ordered part);
   * -1 for an id of another shape.
   */
  public static long millisOf(String messageId) {
    if (messageId == null || messageId.length() != 28 || !messageId.startsWith("msg_")) {
      return -1;
    }
    long order = 0;
    for (int i = 4; i < 15; i++) {
      int digit = digit(messageId.charAt(i));
      if (digit < 0) {
        return -1;
      }
      order = order * ALPHANUM.length + digit;
    }
    return order < 0 ? -1 : order >>> 12;
  }

  private static int digit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'Z') {
      return 10 + c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return 36 + c - 'a';
    }
    return -1;
  }

  /** {@code scd_} followed by 24 random alphanumerics. */
  public static String scheduleId() {
    return "scd_" + random(24, ThreadLocalRandom.current());
  }

  /** A signing key: {@code sig_} followed by 28 alphanumerics from a secure source. */
  public static String signingKey() {
    return "sig_" + random(28, SECURE);
  }

  /** {@code <epochMs>-<seq>}, strictly increasing within this process (Redis-stream style). */
  public synchronized String dlqId(long nowMillis) {
    long ms = Math.max(nowMillis, lastDlqMillis);
    if (ms == lastDlqMillis) {
      dlqSeq++;
    } else {
      lastDlqMillis = ms;
      dlqSeq = 0;
    }
    return ms + "-" + dlqSeq;
  }

  private static String random(int n, Random rnd) {
    char[] out = new char[n];
    for (int i = 0; i < n; i++) {
      out[i] = ALPHANUM[rnd.nextInt(ALPHANUM.length)];
    }
    return new String(out);
  }
}
