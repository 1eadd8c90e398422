package dev.postbox.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Operations on one key run one after another, even while a previous one's future is pending. */
class KeyedSequencerTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final KeyedSequencer<String> sequencer = new KeyedSequencer<>(pool);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void aKeysOperationsWaitForThePreviousFutureAndOtherKeysDoNot() {
    List<String> order = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> gate = new CompletableFuture<>();
    CompletableFuture<String> first =
        sequencer.run(
            "a",
            () -> {
              order.add("a1 start");
              return gate.thenApply(v -> "a1");
            });
    CompletableFuture<String> second =
        sequencer.run(
            "a",
            () -> {
              order.add("a2");
              return CompletableFuture.completedFuture("a2");
            });
    assertEquals("b", sequencer.run("b", () -> CompletableFuture.completedFuture("b")).join());
    assertFalse(second.isDone(), "a2 waits while a1's future is pending");
    gate.complete(null);
    assertEquals("a1", first.join());
    assertEquals("a2", second.join());
    assertEquals(List.of("a1 start", "a2"), order);
  }

  @Test
  void aFailureFailsOnlyItsOwnOperationAndKeysAreForgotten() {
    CompletableFuture<String> bad =
        sequencer.run(
            "k",
            () -> {
              throw new IllegalStateException("boom");
            });
    CompletableFuture<String> good =
        sequencer.run("k", () -> CompletableFuture.completedFuture("ok"));
    CompletionException e = assertThrows(CompletionException.class, bad::join);
    assertTrue(e.getCause() instanceof IllegalStateException);
    assertEquals("ok", good.join());
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (sequencer.activeKeys() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(0, sequencer.activeKeys());
  }
}
