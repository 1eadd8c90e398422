package dev.postbox.http.client;

import dev.postbox.core.signing.RequestSigner;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs deliveries (docs/api.md#signing) with the JDK's own HMAC-SHA256 and base64url. The header
 * bytes are fixed to {@code {"alg":"HS256","typ":"JWT"}} and the claims are written in QStash's
 * order, so tokens match the hosted server's byte for byte.
 *
 * <p>Written against the JDK rather than nimbus-jose-jwt (which the tests still use to verify what
 * it signs) because signing is on every delivery's path: a profile of a backlog drain put nimbus'
 * token object, its base64 and a fresh {@code Mac} per token at about half of the send threads'
 * time. Here each thread keeps its {@code Mac} and digest, and base64 is the JDK's intrinsic one.
 * Thread-safe.
 */
public final class JcaRequestSigner implements RequestSigner {
  private static final byte[] HEADER =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9".getBytes(StandardCharsets.US_ASCII);
  private static final char[] ALPHANUM =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final Base64.Encoder URL_NO_PAD = Base64.getUrlEncoder().withoutPadding();
  private static final ThreadLocal<Hmac> MACS = new ThreadLocal<>();
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(() -> newInstance(() -> MessageDigest.getInstance("SHA-256")));

  /** A thread's {@code Mac}, initialised with the key it last signed with. */
  private static final class Hmac {
    final String key;
    final Mac mac;

    Hmac(String key, Mac mac) {
      this.key = key;
      this.mac = mac;
    }
  }

  private final Supplier<String> jti;

  public JcaRequestSigner() {
    this(JcaRequestSigner::randomJti);
  }

  /** For tests: a fixed token id. */
  public JcaRequestSigner(Supplier<String> jti) {
    this.jti = jti;
  }

  @Override
  public String sign(String signingKey, String url, byte[] body, long nowSeconds) {
    StringBuilder claims = new StringBuilder(256);
    claims.append("{\"iss\":\"Upstash\",\"sub\":");
    appendJsonString(claims, url);
    claims
        .append(",\"exp\":")
        .append(nowSeconds + 300)
        .append(",\"nbf\":0,\"iat\":")
        .append(nowSeconds)
        .append(",\"jti\":");
    appendJsonString(claims, jti.get());
    claims.append(",\"body\":\"").append(bodyHash(body)).append("\"}");
    byte[] payload = URL_NO_PAD.encode(claims.toString().getBytes(StandardCharsets.UTF_8));

    byte[] input = new byte[HEADER.length + 1 + payload.length];
    System.arraycopy(HEADER, 0, input, 0, HEADER.length);
    input[HEADER.length] = '.';
    System.arraycopy(payload, 0, input, HEADER.length + 1, payload.length);
    byte[] signature = URL_NO_PAD.encode(mac(signingKey).doFinal(input));

    byte[] token = new byte[input.length + 1 + signature.length];
    System.arraycopy(input, 0, token, 0, input.length);
    token[input.length] = '.';
    System.arraycopy(signature, 0, token, input.length + 1, signature.length);
    return new String(token, StandardCharsets.US_ASCII);
  }

  private static Mac mac(String key) {
    Hmac h = MACS.get();
    if (h == null || !h.key.equals(key)) {
      byte[] secret = key.getBytes(StandardCharsets.UTF_8);
      if (secret.length < 32) {
        // RFC 7518 §3.2: an HS256 key is at least as long as the hash (nimbus refused these too).
        throw new IllegalArgumentException(
            "signing keys must be at least 32 bytes (HS256), this one has " + secret.length);
      }
      Mac mac = newInstance(() -> Mac.getInstance("HmacSHA256"));
      try {
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 refused a key", e);
      }
      h = new Hmac(key, mac);
      MACS.set(h);
    }
    return h.mac; // doFinal resets it for the next token
  }

  /** base64url (with padding) of SHA-256 of the body, as the {@code body} claim. */
  static String bodyHash(byte[] body) {
    return Base64.getUrlEncoder().encodeToString(SHA256.get().digest(body));
  }

  private interface Factory<T> {
    T create() throws GeneralSecurityException;
  }

  private static <T> T newInstance(Factory<T> factory) {
    try {
      return factory.create();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks an algorithm every JDK has", e);
    }
  }

  private static String randomJti() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    char[] out = new char[32];
    "jwt_".getChars(0, 4, out, 0);
    for (int i = 4; i < out.length; i++) {
      out[i] = ALPHANUM[r.nextInt(ALPHANUM.length)];
    }
    return new String(out);
  }

  private static void appendJsonString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
  }
}
