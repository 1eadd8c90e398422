package dev.postbox.core.testmode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.postbox.core.delivery.DeliveryRequest;
import dev.postbox.core.delivery.DeliveryResponse;
import dev.postbox.core.message.Message;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The record of attempts: per tenant, bounded, filtered, and read once per flush. */
class DeliveryLogTest {
  private final DeliveryLog log = new DeliveryLog(3);

  private void attempt(String tenant, String id, String url, int retried, int status) {
    Message m =
        Message.builder().withTenant(tenant).withId(id).withUrl(url).withRetried(retried).build();
    DeliveryRequest r =
        new DeliveryRequest(
            "POST", url, Map.of("Upstash-Retried", List.of("" + retried)), "b".getBytes(), 1000);
    log.attempted(m, r, new DeliveryResponse(status, Map.of(), null, null), 1000L + retried);
  }

  private static List<String> ids(List<RecordedAttempt> list) {
    return list.stream().map(a -> a.messageId() + "#" + a.attempt()).toList();
  }

  @Test
  void keepsTheLastAttemptsOfEachTenantAndFiltersThem() {
    attempt("t1", "m1", "http://a", 0, 500);
    attempt("t1", "m1", "http://a", 1, 200);
    attempt("t1", "m2", "http://b", 0, 200);
    attempt("t2", "m3", "http://a", 0, 200);
    attempt("t1", "m4", "http://a", 0, 200); // the fourth of t1: its oldest goes
    assertEquals(List.of("m1#2", "m2#1", "m4#1"), ids(log.list("t1", null, null)));
    assertEquals(List.of("m1#2", "m4#1"), ids(log.list("t1", "http://a", null)));
    assertEquals(List.of("m2#1"), ids(log.list("t1", null, "m2")));
    assertEquals(List.of("m3#1"), ids(log.list("t2", null, null)));
    RecordedAttempt a = log.list("t1", null, "m1").get(0);
    assertEquals(200, a.status());
    assertEquals(1001L, a.at());
    assertEquals(List.of("1"), a.headers().get("Upstash-Retried"));
  }

  @Test
  void aFlushAnswersWhatEndedSinceThePreviousOneAndClearForgets() {
    attempt("t1", "m1", "http://a", 0, 200);
    assertEquals(List.of("m1#1"), ids(log.sinceLastFlush("t1")));
    assertEquals(List.of(), ids(log.sinceLastFlush("t1")));
    attempt("t1", "m2", "http://a", 0, 200);
    log.clear("t1");
    assertEquals(List.of(), ids(log.list("t1", null, null)));
    assertEquals(List.of(), ids(log.sinceLastFlush("t1")));
    attempt("t1", "m3", "http://a", 0, 200);
    assertEquals(List.of("m3#1"), ids(log.sinceLastFlush("t1")));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new DeliveryLog(0));
    assertEquals("capacity must be positive", e.getMessage());
  }
}
