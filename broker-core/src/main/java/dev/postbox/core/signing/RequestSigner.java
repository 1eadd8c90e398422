package dev.postbox.core.signing;

/**
 * Builds the {@code Upstash-Signature} value: a compact HS256 JWT with claims {@code iss=Upstash},
 * {@code sub=url}, {@code exp=iat+300}, {@code nbf=0}, {@code iat}, {@code jti=jwt_...} and {@code
 * body} = base64url (with padding) of SHA-256 of the raw body. Thread-safe.
 */
public interface RequestSigner {
  /**
   * @param signingKey the tenant's current key; its UTF-8 bytes are the HMAC key
   * @param url the exact URL the request is sent to
   * @param body the exact body bytes sent
   * @param nowSeconds issue time, epoch seconds
   */
  String sign(String signingKey, String url, byte[] body, long nowSeconds);
}
