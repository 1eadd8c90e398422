package dev.postbox.storage.rocksdb;

import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.error.StorageException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one record, as {@link RecordWriter} wrote it, straight from the record's array (no stream
 * copies); a malformed record throws a {@link StorageException}. Not thread-safe; one per record.
 */
final class RecordReader {
  private final byte[] b;
  private int pos;

  RecordReader(byte[] b) {
    this.b = b;
  }

  /** Reads the version byte of a record that has only {@link Codec#V1}. */
  void version() {
    byte v = byte_();
    if (v != Codec.V1) {
      throw unknownVersion(v);
    }
  }

  static StorageException unknownVersion(byte v) {
    return new StorageException(ErrorCode.STORAGE_UNAVAILABLE, "unknown record version " + v);
  }

  private int take(int n) {
    if (n < 0 || n > b.length - pos) {
      throw new StorageException(
          ErrorCode.STORAGE_UNAVAILABLE, "corrupt record: needs " + n + " bytes at " + pos);
    }
    int at = pos;
    pos += n;
    return at;
  }

  /** Whether the whole record has been read (a field added later may follow older records). */
  boolean atEnd() {
    return pos == b.length;
  }

  byte byte_() {
    return b[take(1)];
  }

  boolean bool() {
    return byte_() != 0;
  }

  int int_() {
    int at = take(4);
    return (b[at] & 0xff) << 24
        | (b[at + 1] & 0xff) << 16
        | (b[at + 2] & 0xff) << 8
        | (b[at + 3] & 0xff);
  }

  long long_() {
    return ((long) int_() << 32) | (int_() & 0xffffffffL);
  }

  Integer nullableInt() {
    return bool() ? int_() : null;
  }

  byte[] bytes() {
    int n = int_();
    if (n < 0) {
      return null;
    }
    int at = take(n);
    return Arrays.copyOfRange(b, at, at + n);
  }

  String str() {
    int n = int_();
    if (n < 0) {
      return null;
    }
    return new String(b, take(n), n, StandardCharsets.UTF_8);
  }

  /** A list as {@link RecordWriter#strings} writes it. */
  List<String> strings() {
    int n = int_();
    List<String> l = new ArrayList<>(Math.min(n, 16));
    for (int i = 0; i < n; i++) {
      l.add(str());
    }
    return l;
  }

  Map<String, List<String>> headers() {
    int n = int_();
    Map<String, List<String>> h = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String k = str();
      h.put(k, strings());
    }
    return h;
  }
}
