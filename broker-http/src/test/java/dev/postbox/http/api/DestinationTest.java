package dev.postbox.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.error.InvalidRequestException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DestinationTest {
  @Test
  void rawUrlIsKeptWithEscapesAndQuery() {
    Destination d = Destination.parse("https://example.com/a%20b", "x=1&y=2");
    assertEquals("https://example.com/a%20b?x=1&y=2", d.url());
    assertNull(d.urlGroup());
  }

  @Test
  void reservedQueryParametersAreRemovedAndUpstashOnesBecomeConfig() {
    Destination d =
        Destination.parse(
            "https://example.com/hook",
            "a=1&qstash_token=secret&upstash-retries=2&Upstash-Delay=5s&b=2");
    assertEquals("https://example.com/hook?a=1&b=2", d.url());
    assertEquals(List.of("2"), d.queryConfig().get("upstash-retries"));
    assertEquals(List.of("5s"), d.queryConfig().get("upstash-delay"));
  }

  @Test
  void anIpv6LiteralDestinationIsKeptAsWritten() {
    assertEquals("http://[::1]:8080/x?a=1", Destination.parse("http://[::1]:8080/x", "a=1").url());
    assertEquals(
        "https://[2001:db8::1]/x",
        Destination.parse("https%3A%2F%2F%5B2001%3Adb8%3A%3A1%5D%2Fx", "").url());
    assertEquals("http://[::1]:8080/x", Destination.parse("http:/[::1]:8080/x", "").url());
  }

  @Test
  void collapsedDoubleSlashIsRepaired() {
    assertEquals("https://example.com/x", Destination.parse("https:/example.com/x", "").url());
  }

  @Test
  void percentEncodedUrlIsDecodedOnce() {
    assertEquals(
        "https://example.com/x?q=a%20b",
        Destination.parse("https%3A%2F%2Fexample.com%2Fx%3Fq%3Da%2520b", "").url());
  }

  @Test
  void namesAreUrlGroups() {
    Destination d = Destination.parse("my-group_1.v2", "");
    assertNull(d.url());
    assertEquals("my-group_1.v2", d.urlGroup());
  }

  @Test
  void badDestinationsAreRejectedWithAClearMessage() {
    InvalidRequestException e =
        assertThrows(InvalidRequestException.class, () -> Destination.parse("notaurl^", ""));
    assertTrue(e.getMessage().contains("destination"), e.getMessage());
    assertThrows(InvalidRequestException.class, () -> Destination.parse("", ""));
    assertThrows(InvalidRequestException.class, () -> Destination.parse("http://", ""));
    assertThrows(InvalidRequestException.class, () -> Destination.parse("http://exa mple.com", ""));
    assertThrows(InvalidRequestException.class, () -> Destination.parse("api/llm", ""));
  }

  @Test
  void callbackUrlsMustBeAbsoluteHttp() {
    assertEquals(
        "http://localhost:3000/cb", Destination.validUrl("http://localhost:3000/cb", "callback"));
    assertThrows(
        InvalidRequestException.class, () -> Destination.validUrl("ftp://x/y", "callback"));
    assertThrows(
        InvalidRequestException.class, () -> Destination.validUrl("/relative", "callback"));
  }
}
