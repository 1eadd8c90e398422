package dev.postbox.core.testmode;

import dev.postbox.core.delivery.AttemptObserver;
import dev.postbox.core.delivery.DeliveryRequest;
import dev.postbox.core.delivery.DeliveryResponse;
import dev.postbox.core.message.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The delivery attempts of test mode, per tenant and bounded: past {@code capacity} a tenant's
 * oldest attempt goes. Installed on the dispatcher only in test mode. Thread-safe.
 */
public final class DeliveryLog implements AttemptObserver {
  /** Attempts kept per tenant unless configured otherwise. */
  public static final int DEFAULT_CAPACITY = 10_000;

  private static final class Tenant {
    final ArrayDeque<RecordedAttempt> attempts = new ArrayDeque<>();
    long flushedUpTo; // seq of the last attempt a flush answered
  }

  private final int capacity;
  private final AtomicLong seq = new AtomicLong();
  private final ConcurrentHashMap<String, Tenant> tenants = new ConcurrentHashMap<>();

  public DeliveryLog(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
  }

  @Override
  public void attempted(Message m, DeliveryRequest request, DeliveryResponse r, long endedAt) {
    RecordedAttempt a =
        new RecordedAttempt(
            seq.incrementAndGet(),
            m.id(),
            request != null ? request.method() : m.method(),
            request != null ? request.url() : m.url(),
            request != null ? request.headers() : m.headers(),
            request != null ? request.body() : m.body(),
            r.status(),
            r.error(),
            m.retried() + 1,
            endedAt);
    Tenant t = tenants.computeIfAbsent(m.tenant(), k -> new Tenant());
    synchronized (t) {
      t.attempts.addLast(a);
      if (t.attempts.size() > capacity) {
        t.attempts.removeFirst();
      }
    }
  }

  /**
   * A tenant's attempts, oldest first, keeping those to {@code url} and of {@code messageId} (each
   * null: any).
   */
  public List<RecordedAttempt> list(String tenant, String url, String messageId) {
    List<RecordedAttempt> out = new ArrayList<>();
    Tenant t = tenants.get(tenant);
    if (t == null) {
      return out;
    }
    synchronized (t) {
      for (RecordedAttempt a : t.attempts) {
        if ((url == null || url.equals(a.url()))
            && (messageId == null || messageId.equals(a.messageId()))) {
          out.add(a);
        }
      }
    }
    return out;
  }

  /**
   * The tenant's attempts that ended since the previous call (or since the start), oldest first.
   */
  public List<RecordedAttempt> sinceLastFlush(String tenant) {
    List<RecordedAttempt> out = new ArrayList<>();
    Tenant t = tenants.computeIfAbsent(tenant, k -> new Tenant());
    synchronized (t) {
      for (RecordedAttempt a : t.attempts) {
        if (a.seq() > t.flushedUpTo) {
          out.add(a);
        }
      }
      if (!out.isEmpty()) {
        t.flushedUpTo = out.get(out.size() - 1).seq();
      }
    }
    return out;
  }

  /** Forgets the tenant's attempts. */
  public void clear(String tenant) {
    Tenant t = tenants.get(tenant);
    if (t != null) {
      synchronized (t) {
        t.attempts.clear();
        t.flushedUpTo = seq.get();
      }
    }
  }
}
