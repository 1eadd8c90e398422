package dev.postbox.http.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Where a URL connects, and the {@code Host} header sent there (as curl and the JDK send it). */
class OriginTest {
  private static Origin origin(String url) {
    return Origin.of(URI.create(url));
  }

  @Test
  void anIpv6LiteralConnectsWithoutBracketsAndIsBracketedOnceInTheHostHeader() {
    assertEquals(new Origin(false, "::1", 8080), origin("http://[::1]:8080/x"));
    assertEquals("[::1]:8080", origin("http://[::1]:8080/x").hostHeader());
    assertEquals(new Origin(true, "2001:db8::1", 443), origin("https://[2001:db8::1]/"));
    assertEquals("[2001:db8::1]", origin("https://[2001:db8::1]/").hostHeader());
  }

  @Test
  void theHostHeaderLeavesOutTheSchemesDefaultPort() {
    assertEquals("example.com", origin("http://example.com:80/").hostHeader());
    assertEquals("example.com", origin("https://example.com:443/").hostHeader());
    assertEquals("example.com", origin("HTTPS://example.com/").hostHeader());
    assertEquals("example.com:443", origin("http://example.com:443/").hostHeader());
    assertEquals("example.com:80", origin("https://example.com:80/").hostHeader());
    assertEquals("127.0.0.1:8080", origin("http://127.0.0.1:8080/").hostHeader());
  }

  @Test
  void onlyAbsoluteHttpUrlsHaveAnOrigin() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> origin("ftp://example.com/"));
    assertEquals("not an absolute http(s) URL", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> origin("/relative"));
  }
}
