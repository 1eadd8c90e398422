package dev.postbox.core.store;

import dev.postbox.core.error.BrokerException;
import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.time.Clock;

/**
 * A cap on the store's size. When it is reached, new messages are refused (507) while everything
 * already stored goes on being delivered; once deliveries, deletes and retention free space,
 * publishing resumes. {@link #refresh()} runs on a timer (sizes are approximate and cheap to read);
 * {@link #check()} runs on every publish. Thread-safe.
 */
public final class StorageQuota {
  /** Flush and compaction while over quota at most this often. */
  private static final long RECLAIM_EVERY_MILLIS = 5_000;

  private final MessageStore store;
  private final long maxBytes;
  private final Clock clock;
  private volatile boolean full;
  private volatile long lastSize;
  private long lastReclaim;

  /**
   * @param maxBytes the cap; 0 means no cap
   */
  public StorageQuota(MessageStore store, long maxBytes, Clock clock) {
    this.store = store;
    this.maxBytes = maxBytes;
    this.clock = clock;
  }

  public static StorageQuota unlimited(MessageStore store, Clock clock) {
    return new StorageQuota(store, 0, clock);
  }

  /** Throws a STORAGE_FULL error (507) when the quota is reached. */
  public void check() {
    if (full) {
      throw new BrokerException(
          ErrorCode.STORAGE_FULL,
          "storage quota reached ("
              + lastSize
              + " of "
              + maxBytes
              + " bytes): new messages are refused until deliveries, deletes or retention free"
              + " space");
    }
  }

  /** Re-reads the store's size; while over quota, now and then makes deleted data free space. */
  public synchronized void refresh() {
    if (maxBytes <= 0) {
      return;
    }
    lastSize = store.approximateSizeBytes();
    if (lastSize >= maxBytes) {
      long now = clock.millis();
      if (now - lastReclaim >= RECLAIM_EVERY_MILLIS) {
        lastReclaim = now;
        store.reclaimSpace();
        lastSize = store.approximateSizeBytes();
      }
    }
    full = lastSize >= maxBytes;
  }

  public boolean isFull() {
    return full;
  }
}
