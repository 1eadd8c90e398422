package com.example.broker.http.client;

import com.example.broker.core.signing.RequestSigner;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Signs deliveries with nimbus-jose-jwt (§5). The header bytes are fixed to {@code
 * {"alg":"HS256","typ":"JWT"}} and the claims are written in QStash's order, so tokens match the
 * hosted server's byte for byte. Thread-safe.
 */
public final class NimbusRequestSigner implements RequestSigner {
  private static final JWSHeader HEADER;
  private static final char[] ALPHANUM =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  static {
    try {
      HEADER = JWSHeader.parse(new Base64URL("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"));
    } catch (ParseException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Supplier<String> jti;
  private final ConcurrentHashMap<String, MACSigner> signers = new ConcurrentHashMap<>();

  public NimbusRequestSigner() {
    this(NimbusRequestSigner::randomJti);
  }

  /** For tests: a fixed token id. */
  public NimbusRequestSigner(Supplier<String> jti) {
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
    JWSObject jws = new JWSObject(HEADER, new Payload(claims.toString()));
    try {
      jws.sign(signer(signingKey));
    } catch (JOSEException e) {
      throw new IllegalStateException("could not sign a delivery", e);
    }
    return jws.serialize();
  }

  private MACSigner signer(String key) {
    return signers.computeIfAbsent(
        key,
        k -> {
          try {
            return new MACSigner(k.getBytes(StandardCharsets.UTF_8));
          } catch (JOSEException e) {
            throw new IllegalArgumentException(
                "signing keys must be at least 32 bytes (HS256): " + e.getMessage(), e);
          }
        });
  }

  /** base64url (with padding) of SHA-256 of the body, as the {@code body} claim. */
  static String bodyHash(byte[] body) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(body);
      return Base64.getUrlEncoder().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String randomJti() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    char[] out = new char[28];
    for (int i = 0; i < out.length; i++) {
      out[i] = ALPHANUM[r.nextInt(ALPHANUM.length)];
    }
    return "jwt_" + new String(out);
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
