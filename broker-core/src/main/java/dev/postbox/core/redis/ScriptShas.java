package dev.postbox.core.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SHA-1 of each script as a client sent it, mapped to the SHA-1 of the script Redis got after
 * {@link ScriptShebang} rewrote it. Clients compute the SHA-1 of their own text for {@code
 * EVALSHA}, so it is translated through this map; an unknown SHA-1 goes to Redis as it is (which
 * answers {@code NOSCRIPT}, and the client falls back to {@code EVAL}). Bounded: past {@link
 * #MAX_SCRIPTS} it starts over, which costs a client one {@code NOSCRIPT} round trip at most.
 * Thread-safe.
 */
public final class ScriptShas {
  static final int MAX_SCRIPTS = 10_000;

  private final Map<String, String> rewritten = new ConcurrentHashMap<>();

  /** Lower-case hex SHA-1 of the UTF-8 bytes of {@code script}, as Redis computes it. */
  public static String sha1(String script) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(md.digest(script.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }

  /** Records that the script with SHA-1 {@code original} reaches Redis as {@code rewrittenSha}. */
  public void remember(String original, String rewrittenSha) {
    if (rewritten.size() >= MAX_SCRIPTS) {
      rewritten.clear();
    }
    rewritten.put(original, rewrittenSha);
  }

  /** The SHA-1 Redis knows the script by, when it was rewritten. */
  public Optional<String> translate(String sha) {
    return Optional.ofNullable(rewritten.get(sha.toLowerCase(Locale.ROOT)));
  }
}
