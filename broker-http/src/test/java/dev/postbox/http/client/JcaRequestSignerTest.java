package dev.postbox.http.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JcaRequestSignerTest {
  private static final String KEY = "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r";

  /**
   * A fixed test vector, byte for byte: this key, body, URL, time and jti give this token, which
   * jose's {@code jwtVerify} and the official SDK's {@code Receiver} both accepted.
   */
  @Test
  void reproducesTheSpecVector() {
    JcaRequestSigner signer = new JcaRequestSigner(() -> "jwt_7Jz8mK2pQ4rT6vX9yB1cD3fG5hL");
    String token =
        signer.sign(
            KEY,
            "https://example.com/api/hook",
            "{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8),
            1767225600L);
    assertEquals(
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJVcHN0YXNoIiwic3ViIjoiaHR0cHM6Ly9leGFtcGxlLmNvbS9hcGkvaG9vayIsImV4cCI6MTc2NzIyNTkwMCwibmJmIjowLCJpYXQiOjE3NjcyMjU2MDAsImp0aSI6Imp3dF83Sno4bUsycFE0clQ2dlg5eUIxY0QzZkc1aEwiLCJib2R5IjoiazZJNWNha1U1ZXJMOEtqU1VWVE5vd25Ed2NjdnU1a1UxSHhnODh0b0ZZZz0ifQ.K2anvN8vlA02Qy1sgI_wTM-_vfUxq22G7_BxVC_n8GY",
        token);
  }

  @Test
  void freshTokensVerifyAndCarryTheClaims() throws Exception {
    JcaRequestSigner signer = new JcaRequestSigner();
    String a = signer.sign(KEY, "http://127.0.0.1:3000/a?x=\"1\"", new byte[0], 1_700_000_000L);
    String b = signer.sign(KEY, "http://127.0.0.1:3000/a?x=\"1\"", new byte[0], 1_700_000_000L);
    SignedJWT jwt = SignedJWT.parse(a);
    assertTrue(jwt.verify(new MACVerifier(KEY.getBytes(StandardCharsets.UTF_8))));
    assertEquals("http://127.0.0.1:3000/a?x=\"1\"", jwt.getJWTClaimsSet().getSubject());
    assertEquals(
        "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=",
        jwt.getJWTClaimsSet().getStringClaim("body"));
    assertFalse(a.equals(b), "each attempt gets its own jti");
    assertFalse(
        SignedJWT.parse(a).verify(new MACVerifier("sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs".getBytes())));
  }

  /** Ours and nimbus' verifier agree on many URLs, bodies and keys, from several threads. */
  @Test
  void nimbusVerifiesWhatItSignsAcrossKeysAndThreads() throws Exception {
    JcaRequestSigner signer = new JcaRequestSigner();
    String[] keys = {
      KEY, "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs", "ünïcödé-key-with-more-than-32-bytes"
    };
    Thread[] threads = new Thread[4];
    Throwable[] failure = new Throwable[1];
    for (int t = 0; t < threads.length; t++) {
      long seed = t;
      threads[t] =
          new Thread(
              () -> {
                Random r = new Random(seed);
                try {
                  for (int i = 0; i < 300; i++) {
                    String key = keys[r.nextInt(keys.length)];
                    byte[] body = new byte[r.nextInt(2000)];
                    r.nextBytes(body);
                    String url = "https://h" + i + ".example/p?q=\\\"é\n" + r.nextInt();
                    SignedJWT jwt =
                        SignedJWT.parse(signer.sign(key, url, body, 1_700_000_000L + i));
                    assertTrue(jwt.verify(new MACVerifier(key.getBytes(StandardCharsets.UTF_8))));
                    assertEquals(url, jwt.getJWTClaimsSet().getSubject());
                    assertEquals(
                        JcaRequestSigner.bodyHash(body),
                        jwt.getJWTClaimsSet().getStringClaim("body"));
                  }
                } catch (Throwable e) {
                  failure[0] = e;
                }
              });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    if (failure[0] != null) {
      throw new AssertionError(failure[0]);
    }
  }

  @Test
  void refusesKeysShorterThanTheHash() {
    JcaRequestSigner signer = new JcaRequestSigner();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> signer.sign("short", "http://a/", new byte[0], 1));
    assertTrue(e.getMessage().contains("at least 32 bytes"), e.getMessage());
  }
}
