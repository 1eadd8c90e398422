package dev.postbox.storage.rocksdb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Key layouts of workflow runs. A run's records are {@code tenant\0 ‖ runId\0 ‖ kind}, kind 0 its
 * start record, 1 its end and 2 where its failure callback stands (so they sit side by side, start
 * first, and a tenant's runs are in run-id order); its history entries are {@code tenant\0 ‖
 * runId\0 ‖ seq} (8-byte big-endian, so byte order is append order). The index of runs by creation
 * time is {@code tenant\0 ‖ createdAt (8-byte big-endian) ‖ runId}, with an empty value.
 */
final class WorkflowKeys {
  static final byte START = 0;
  static final byte END = 1;
  static final byte FAILURE_CALL = 2;

  private WorkflowKeys() {}

  /** {@code tenant\0 ‖ runId\0}: the prefix of a run's history entries. */
  static byte[] runPrefix(String tenant, String runId) {
    byte[] t = Keys.tenantPrefix(tenant);
    byte[] r = runId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(t.length + r.length + 1).put(t).put(r).put((byte) 0).array();
  }

  static byte[] run(String tenant, String runId, byte kind) {
    byte[] p = runPrefix(tenant, runId);
    return ByteBuffer.allocate(p.length + 1).put(p).put(kind).array();
  }

  /** The kind byte of a run record key. */
  static byte kind(byte[] key) {
    return key[key.length - 1];
  }

  /** The run id of a run record key of {@code tenant}. */
  static String runId(String tenant, byte[] key) {
    int from = Keys.tenantPrefix(tenant).length;
    return new String(key, from, key.length - from - 2, StandardCharsets.UTF_8);
  }

  static byte[] byTime(String tenant, long createdAt, String runId) {
    byte[] t = Keys.tenantPrefix(tenant);
    byte[] r = runId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(t.length + 8 + r.length).put(t).putLong(createdAt).put(r).array();
  }

  /** The first key of the by-time index of {@code tenant} at or after {@code createdAt}. */
  static byte[] byTimeFrom(String tenant, long createdAt) {
    return byTime(tenant, createdAt, "");
  }

  /** The creation time of a by-time key of {@code tenant}. */
  static long byTimeCreatedAt(String tenant, byte[] key) {
    return ByteBuffer.wrap(key, Keys.tenantPrefix(tenant).length, 8).getLong();
  }

  /** The run id of a by-time key of {@code tenant}. */
  static String byTimeRunId(String tenant, byte[] key) {
    int from = Keys.tenantPrefix(tenant).length + 8;
    return new String(key, from, key.length - from, StandardCharsets.UTF_8);
  }

  static byte[] history(String tenant, String runId, long seq) {
    byte[] p = runPrefix(tenant, runId);
    return ByteBuffer.allocate(p.length + 8).put(p).putLong(seq).array();
  }

  /** The seq of a history key. */
  static long seq(byte[] key) {
    return ByteBuffer.wrap(key, key.length - 8, 8).getLong();
  }
}
