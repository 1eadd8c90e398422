package com.example.broker.core.message;

import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;

/** Identifier generation. Thread-safe. */
public final class Ids {
  private static final char[] ALPHANUM =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom SECURE = new SecureRandom();

  private long lastDlqMillis = -1;
  private long dlqSeq;

  /** {@code msg_} followed by 24 random alphanumerics (about 143 bits). */
  public static String messageId() {
    return "msg_" + random(24, ThreadLocalRandom.current());
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

  private static String random(int n, java.util.Random rnd) {
    char[] out = new char[n];
    for (int i = 0; i < n; i++) {
      out[i] = ALPHANUM[rnd.nextInt(ALPHANUM.length)];
    }
    return new String(out);
  }
}
