package dev.postbox.storage.rocksdb;

import dev.postbox.core.message.MessageRef;
import dev.postbox.core.store.DueRef;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Key layouts. Tenant-scoped keys start with {@code tenant\0}, so a tenant's keys form one
 * contiguous range that never overlaps another tenant's (isolation is structural). Times are 8-byte
 * big-endian so byte order is time order.
 */
final class Keys {
  private Keys() {}

  static byte[] tenantPrefix(String tenant) {
    byte[] t = tenant.getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(t, t.length + 1);
    out[t.length] = 0;
    return out;
  }

  /** The first key after every key that starts with {@code prefix}. */
  static byte[] upperBound(byte[] prefix) {
    byte[] out = prefix.clone();
    for (int i = out.length - 1; i >= 0; i--) {
      if (out[i] != (byte) 0xff) {
        out[i]++;
        return Arrays.copyOf(out, i + 1);
      }
    }
    throw new IllegalArgumentException("no upper bound for an all-0xff prefix");
  }

  static byte[] message(String tenant, String id) {
    return concat(tenantPrefix(tenant), id.getBytes(StandardCharsets.UTF_8));
  }

  static MessageRef parseMessage(byte[] key) {
    int zero = indexOfZero(key, 0);
    return new MessageRef(
        new String(key, 0, zero, StandardCharsets.UTF_8),
        new String(key, zero + 1, key.length - zero - 1, StandardCharsets.UTF_8));
  }

  static byte[] due(long dueAt, MessageRef ref) {
    byte[] rest = message(ref.tenant(), ref.id());
    return ByteBuffer.allocate(8 + rest.length).putLong(Math.max(0, dueAt)).put(rest).array();
  }

  static DueRef parseDue(byte[] key) {
    return parseDue(key, null);
  }

  /** A due entry with its value: the delivery host, or empty when it was written without it. */
  static DueRef parseDue(byte[] key, byte[] value) {
    long at = ByteBuffer.wrap(key, 0, 8).getLong();
    String host =
        value == null || value.length == 0 ? null : new String(value, StandardCharsets.UTF_8);
    return new DueRef(at, parseMessage(Arrays.copyOfRange(key, 8, key.length)), host);
  }

  /** {@code tenant\0 ‖ time ‖ seq}: log and DLQ positions. */
  static byte[] timeSeq(String tenant, long time, long seq) {
    byte[] p = tenantPrefix(tenant);
    return ByteBuffer.allocate(p.length + 16)
        .put(p)
        .putLong(Math.max(0, time))
        .putLong(seq)
        .array();
  }

  /**
   * {@code tenant\0 ‖ createdAt ‖ id}: a message body stored apart. Ordered by creation time, so
   * the bodies whose CREATED log entries a retention pass removes form one range.
   */
  static byte[] body(String tenant, long createdAt, String id) {
    return tenantTimeId(tenant, createdAt, id);
  }

  /** The message id of a {@link #body} key of {@code tenant}. */
  static String bodyId(String tenant, byte[] key) {
    return idAfterTime(tenant, key);
  }

  /** The position string {@code time-seq} of a time-seq key. */
  static String position(byte[] key) {
    ByteBuffer b = ByteBuffer.wrap(key, key.length - 16, 16);
    return b.getLong() + "-" + b.getLong();
  }

  /** Parses {@code time-seq} into a key, or null when it is not such a string. */
  static byte[] positionKey(String tenant, String position) {
    if (position == null) {
      return null;
    }
    int dash = position.indexOf('-');
    if (dash <= 0) {
      return null;
    }
    try {
      long time = Long.parseLong(position.substring(0, dash));
      long seq = Long.parseLong(position.substring(dash + 1));
      if (time < 0 || seq < 0) {
        return null;
      }
      return timeSeq(tenant, time, seq);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** {@code tenant\0 scheduleId}: a schedule record. */
  static byte[] schedule(String tenant, String id) {
    return message(tenant, id);
  }

  /** {@code tenant\0 scheduleId\0}: the prefix of a schedule's run states. */
  static byte[] runPrefix(String tenant, String scheduleId) {
    byte[] k = schedule(tenant, scheduleId);
    return Arrays.copyOf(k, k.length + 1);
  }

  /** {@code tenant\0 scheduleId\0 messageId}: the end state of a message the schedule produced. */
  static byte[] run(String tenant, String scheduleId, String messageId) {
    return concat(runPrefix(tenant, scheduleId), messageId.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code tenant\0 ‖ expiresAt ‖ dedupId}: the expiry index of deduplication ids. */
  static byte[] dedupExpiry(String tenant, long expiresAt, String id) {
    return tenantTimeId(tenant, expiresAt, id);
  }

  /** The dedup id of an expiry-index key of {@code tenant}. */
  static String dedupIdOf(String tenant, byte[] key) {
    return idAfterTime(tenant, key);
  }

  /**
   * {@code tenant\0 ‖ endedAt ‖ messageId}: the expiry index of ended messages (whose records are
   * keyed as {@link #message}).
   */
  static byte[] endedExpiry(String tenant, long endedAt, String id) {
    return tenantTimeId(tenant, endedAt, id);
  }

  /** The message id of an {@link #endedExpiry} key of {@code tenant}. */
  static String endedIdOf(String tenant, byte[] key) {
    return idAfterTime(tenant, key);
  }

  /** {@code tenant\0 ‖ time ‖ id}, time 8-byte big-endian. */
  private static byte[] tenantTimeId(String tenant, long time, String id) {
    byte[] p = tenantPrefix(tenant);
    byte[] i = id.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(p.length + 8 + i.length)
        .put(p)
        .putLong(Math.max(0, time))
        .put(i)
        .array();
  }

  /** The id of a {@link #tenantTimeId} key of {@code tenant}. */
  private static String idAfterTime(String tenant, byte[] key) {
    int from = tenantPrefix(tenant).length + 8;
    return new String(key, from, key.length - from, StandardCharsets.UTF_8);
  }

  /** {@code tenant\0 queue\0}: the prefix of a queue's waiting list and of its slot holders. */
  static byte[] queuePrefix(String tenant, String queue) {
    byte[] k = message(tenant, queue);
    return Arrays.copyOf(k, k.length + 1);
  }

  /** {@code tenant\0 queue\0 ‖ seq}: a message's place in its queue's waiting list. */
  static byte[] waiting(String tenant, String queue, long seq) {
    byte[] p = queuePrefix(tenant, queue);
    return ByteBuffer.allocate(p.length + 8).put(p).putLong(seq).array();
  }

  /** The place of a waiting-list key. */
  static long waitingSeq(byte[] key) {
    return ByteBuffer.wrap(key, key.length - 8, 8).getLong();
  }

  /** The tenant and queue of a waiting-list or slot key: {@code [tenant, queue, rest]}. */
  static String[] queueKeyParts(byte[] key, boolean fixedTail) {
    int z1 = indexOfZero(key, 0);
    int z2 = indexOfZero(key, z1 + 1);
    String tenant = new String(key, 0, z1, StandardCharsets.UTF_8);
    String queue = new String(key, z1 + 1, z2 - z1 - 1, StandardCharsets.UTF_8);
    String rest =
        fixedTail ? "" : new String(key, z2 + 1, key.length - z2 - 1, StandardCharsets.UTF_8);
    return new String[] {tenant, queue, rest};
  }

  /** {@code tenant\0 queue\0 holderId}: a message that holds a slot of the queue. */
  static byte[] slot(String tenant, String queue, String holderId) {
    return concat(queuePrefix(tenant, queue), holderId.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] signingKeys(String tenant) {
    return ("keys/" + tenant).getBytes(StandardCharsets.UTF_8);
  }

  private static int indexOfZero(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == 0) {
        return i;
      }
    }
    throw new IllegalArgumentException("key has no tenant separator");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
