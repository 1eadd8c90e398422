package dev.postbox.core.publish;

import dev.postbox.core.message.Message;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.time.Clock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publishing with a deduplication id (docs/api.md#deduplication): the first publish stores its
 * messages together with a record of what it accepted, in one synced write; a publish with the same
 * id within the window stores nothing and gets the first one's answer, marked deduplicated. Two
 * concurrent publishes with one id are resolved in memory (the second waits for the first's write),
 * so exactly one of them stores messages. Thread-safe.
 */
public final class Deduplication {
  private final MessageStore store;
  private final PublishService publish;
  private final Clock clock;
  private final long windowMillis;
  private final ConcurrentHashMap<String, CompletableFuture<List<DedupRecord.Accepted>>> pending =
      new ConcurrentHashMap<>();

  /** The answer to a publish. */
  public record Published(List<DedupRecord.Accepted> accepted, boolean deduplicated) {}

  public Deduplication(MessageStore store, PublishService publish, Clock clock, long windowMillis) {
    this.store = store;
    this.publish = publish;
    this.clock = clock;
    this.windowMillis = windowMillis;
  }

  /**
   * The deduplication id of a publish: {@code Upstash-Deduplication-Id}, else with {@code
   * Upstash-Content-Based-Deduplication} a SHA-256 of the destination, the Content-Type and
   * forwarded headers (sorted) and the body; else null.
   */
  public static String idFor(PublishOptions o, String destination, byte[] body) {
    if (o.deduplicationId() != null) {
      return o.deduplicationId();
    }
    if (!o.contentBasedDeduplication()) {
      return null;
    }
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(destination.getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      Map<String, List<String>> sorted = new TreeMap<>();
      o.forwardedHeaders().forEach((k, v) -> sorted.put(k.toLowerCase(Locale.ROOT), v));
      sorted.forEach(
          (k, v) -> {
            d.update(k.getBytes(StandardCharsets.UTF_8));
            for (String value : v) {
              d.update((byte) ':');
              d.update(value.getBytes(StandardCharsets.UTF_8));
            }
            d.update((byte) '\n');
          });
      d.update((byte) 0);
      d.update(body);
      return "content:" + HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Stores the messages of one publish (one, or one per group endpoint) unless {@code dedupId} was
   * seen within the window. Refuses with STORAGE_FULL (507) when the quota is reached.
   */
  public CompletableFuture<Published> publish(List<Message> messages, String dedupId) {
    if (dedupId == null) {
      return publish.accept(messages).thenApply(ms -> new Published(accepted(ms), false));
    }
    String tenant = messages.get(0).tenant();
    String key = tenant + '\0' + dedupId;
    CompletableFuture<List<DedupRecord.Accepted>> mine = new CompletableFuture<>();
    CompletableFuture<List<DedupRecord.Accepted>> first = pending.putIfAbsent(key, mine);
    if (first != null) {
      return first.thenApply(a -> new Published(a, true));
    }
    try {
      long now = clock.millis();
      Optional<DedupRecord> seen =
          store.findDedup(tenant, dedupId).filter(r -> r.expiresAt() > now);
      if (seen.isPresent()) {
        finish(key, mine, seen.get().accepted(), null);
        return CompletableFuture.completedFuture(new Published(seen.get().accepted(), true));
      }
      publish.checkQuota();
      List<DedupRecord.Accepted> accepted = accepted(messages);
      StoreBatch b =
          new StoreBatch().putDedup(new DedupRecord(tenant, dedupId, now + windowMillis, accepted));
      return publish
          .acceptWith(messages, b)
          .whenComplete((v, e) -> finish(key, mine, accepted, e))
          .thenApply(v -> new Published(accepted, false));
    } catch (RuntimeException e) {
      finish(key, mine, null, e);
      throw e;
    }
  }

  private void finish(
      String key,
      CompletableFuture<List<DedupRecord.Accepted>> mine,
      List<DedupRecord.Accepted> accepted,
      Throwable error) {
    pending.remove(key, mine);
    if (error != null) {
      mine.completeExceptionally(error);
    } else {
      mine.complete(accepted);
    }
  }

  private static List<DedupRecord.Accepted> accepted(List<Message> messages) {
    List<DedupRecord.Accepted> out = new ArrayList<>(messages.size());
    for (Message m : messages) {
      out.add(new DedupRecord.Accepted(m.id(), m.url()));
    }
    return out;
  }
}
