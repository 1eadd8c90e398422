package dev.postbox.core.util;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Runs asynchronous operations one after another per key, and operations on different keys
 * concurrently, without holding a thread while an operation's future is pending. An operation
 * starts only after the previous one on its key has completed (normally or not), so a
 * read-modify-write on a key always sees the previous write. Thread-safe.
 */
public final class KeyedSequencer<K> {
  private final ConcurrentHashMap<K, CompletableFuture<?>> tails = new ConcurrentHashMap<>();
  private final Executor executor;

  public KeyedSequencer(Executor executor) {
    this.executor = executor;
  }

  /** Runs {@code op} on the executor after the operations queued before it on {@code key}. */
  public <T> CompletableFuture<T> run(K key, Supplier<CompletableFuture<T>> op) {
    CompletableFuture<T> result = new CompletableFuture<>();
    CompletableFuture<?> tail =
        tails.compute(
            key,
            (k, prev) -> {
              CompletableFuture<?> start =
                  prev == null ? CompletableFuture.completedFuture(null) : prev;
              return start
                  .handleAsync((v, e) -> null, executor)
                  .thenCompose(
                      v -> {
                        CompletableFuture<T> f;
                        try {
                          f = op.get();
                        } catch (RuntimeException e) {
                          f = CompletableFuture.failedFuture(e);
                        }
                        f.whenComplete(
                            (value, error) -> {
                              if (error != null) {
                                result.completeExceptionally(error);
                              } else {
                                result.complete(value);
                              }
                            });
                        return f.handle((value, error) -> null);
                      });
            });
    tail.whenComplete((v, e) -> tails.remove(key, tail));
    return result;
  }

  /** Keys with operations queued or running (for tests and diagnostics). */
  public int activeKeys() {
    return tails.size();
  }
}
