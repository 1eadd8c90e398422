package dev.postbox.storage.rocksdb;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes one record, in DataOutputStream's format (big-endian ints and longs, UTF-8 strings and
 * byte arrays after an int length, -1 for null). It writes into a per-thread scratch array and
 * allocates once per record, the exact-size copy {@link #bytes()} returns: records are built on
 * every publish and delivery outcome, and the stream classes allocated and copied the body several
 * times over. Not thread-safe; one per record.
 */
final class RecordWriter {
  private static final int KEEP_AT_MOST = 256 * 1024; // larger scratch arrays are not kept
  private static final ThreadLocal<byte[]> SCRATCH = new ThreadLocal<>();

  private byte[] buf;
  private int pos;

  /** A writer with room for about {@code size} bytes, starting with the version byte. */
  RecordWriter(int size, byte version) {
    byte[] scratch = SCRATCH.get();
    if (scratch != null && scratch.length >= size) {
      SCRATCH.remove(); // taken: a writer built meanwhile on this thread gets its own
      buf = scratch;
    } else {
      buf = new byte[Math.max(size, 64)];
    }
    byte_(version);
  }

  /** The record; call once, last. */
  byte[] bytes() {
    byte[] out = Arrays.copyOf(buf, pos);
    if (buf.length <= KEEP_AT_MOST) {
      byte[] kept = SCRATCH.get();
      if (kept == null || kept.length < buf.length) {
        SCRATCH.set(buf);
      }
    }
    buf = null;
    return out;
  }

  private void room(int n) {
    if (pos + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
    }
  }

  void byte_(byte b) {
    room(1);
    buf[pos++] = b;
  }

  void bool(boolean b) {
    byte_((byte) (b ? 1 : 0));
  }

  void int_(int v) {
    room(4);
    buf[pos] = (byte) (v >>> 24);
    buf[pos + 1] = (byte) (v >>> 16);
    buf[pos + 2] = (byte) (v >>> 8);
    buf[pos + 3] = (byte) v;
    pos += 4;
  }

  void long_(long v) {
    int_((int) (v >>> 32));
    int_((int) v);
  }

  void nullableInt(Integer v) {
    bool(v != null);
    if (v != null) {
      int_(v);
    }
  }

  void bytes(byte[] b) {
    int_(b.length);
    room(b.length);
    System.arraycopy(b, 0, buf, pos, b.length);
    pos += b.length;
  }

  void str(String s) {
    if (s == null) {
      int_(-1);
      return;
    }
    int n = s.length();
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        bytes(s.getBytes(StandardCharsets.UTF_8));
        return;
      }
    }
    int_(n); // ASCII (almost every id, URL and header): its UTF-8 is one byte a char
    room(n);
    for (int i = 0; i < n; i++) {
      buf[pos + i] = (byte) s.charAt(i);
    }
    pos += n;
  }

  void strings(Collection<String> l) {
    int_(l.size());
    for (String s : l) {
      str(s);
    }
  }

  void headers(Map<String, List<String>> h) {
    int_(h.size());
    for (Map.Entry<String, List<String>> e : h.entrySet()) {
      str(e.getKey());
      strings(e.getValue());
    }
  }
}
