package dev.postbox.core.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.message.Ids;
import dev.postbox.core.message.Message;
import dev.postbox.core.testing.InMemoryMessageStore;
import dev.postbox.core.testing.SettableClock;
import dev.postbox.core.testing.TestDispatchers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deduplication by id and by content, the window, and concurrent duplicates. */
class DeduplicationTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final long WINDOW = 600_000;

  private final SettableClock clock = new SettableClock();
  private final InMemoryMessageStore store = new InMemoryMessageStore();
  private Deduplication dedup;

  @BeforeEach
  void setUp() {
    clock.set(T0);
    PublishService publish = TestDispatchers.publishService(store, clock);
    dedup = new Deduplication(store, publish, clock, WINDOW);
  }

  private static Message message() {
    return Message.builder()
        .withTenant("t1")
        .withId(Ids.messageId())
        .withUrl("http://dest.example/x")
        .withBody("b".getBytes())
        .build();
  }

  private int stored() {
    return store.scanMessages("t1", null, 1000, m -> true).size();
  }

  @Test
  void aRepeatWithinTheWindowGetsTheOriginalIdsAndStoresNothing() {
    Deduplication.Published first = dedup.publish(List.of(message()), "order-1").join();
    assertFalse(first.deduplicated());
    clock.set(T0 + WINDOW - 1);
    Deduplication.Published again = dedup.publish(List.of(message()), "order-1").join();
    assertTrue(again.deduplicated());
    assertEquals(first.accepted(), again.accepted());
    assertEquals(1, stored());

    clock.set(T0 + WINDOW); // the window has ended: a new message
    Deduplication.Published later = dedup.publish(List.of(message()), "order-1").join();
    assertFalse(later.deduplicated());
    assertNotEquals(first.accepted(), later.accepted());
    assertEquals(2, stored());
  }

  @Test
  void withoutAnIdNothingIsDeduplicated() {
    dedup.publish(List.of(message()), null).join();
    assertFalse(dedup.publish(List.of(message()), null).join().deduplicated());
    assertEquals(2, stored());
  }

  @Test
  void concurrentDuplicatesStoreExactlyOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Deduplication.Published>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        results.add(pool.submit(() -> dedup.publish(List.of(message()), "same").join()));
      }
      Set<String> ids = new HashSet<>();
      int originals = 0;
      for (Future<Deduplication.Published> f : results) {
        Deduplication.Published p = f.get();
        ids.add(p.accepted().get(0).messageId());
        originals += p.deduplicated() ? 0 : 1;
      }
      assertEquals(1, originals);
      assertEquals(1, ids.size());
      assertEquals(1, stored());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void contentBasedIdsDependOnDestinationHeadersAndBody() {
    PublishOptions on = options(true, Map.of("Content-Type", List.of("text/plain")));
    String id = Deduplication.idFor(on, "http://a", "x".getBytes());
    assertEquals(id, Deduplication.idFor(on, "http://a", "x".getBytes()));
    assertNotEquals(id, Deduplication.idFor(on, "http://b", "x".getBytes()));
    assertNotEquals(id, Deduplication.idFor(on, "http://a", "y".getBytes()));
    assertNotEquals(
        id,
        Deduplication.idFor(
            options(true, Map.of("Content-Type", List.of("application/json"))),
            "http://a",
            "x".getBytes()));
    assertNull(Deduplication.idFor(options(false, Map.of()), "http://a", "x".getBytes()));
  }

  private static PublishOptions options(boolean contentBased, Map<String, List<String>> headers) {
    return new PublishOptions(
        "POST",
        0,
        0,
        3,
        null,
        0,
        headers,
        null,
        null,
        List.of(),
        null,
        null,
        null,
        contentBased,
        null,
        null,
        null);
  }
}
