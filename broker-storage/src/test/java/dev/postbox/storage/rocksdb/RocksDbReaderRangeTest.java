package dev.postbox.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A walk over a time range reads only the keys of that range: a log query with {@code fromDate}
 * (the console's live tail) or {@code messageIds} costs what it returns, not the whole log.
 */
class RocksDbReaderRangeTest {
  @TempDir Path dir;

  /** Times of the keys the decoder was given, and of those it kept (every one). */
  private final List<Long> read = new ArrayList<>();

  private long timeOf(byte[] key) {
    return ByteBuffer.wrap(key, key.length - 16, 8).getLong();
  }

  private List<Long> walk(
      RocksDbReader reader, RocksDbStorage s, RocksDbReader.Range range, boolean newestFirst) {
    read.clear();
    List<Long> out = new ArrayList<>();
    reader.page(
        s.logs,
        "t1",
        range,
        100,
        newestFirst,
        (key, value) -> {
          read.add(timeOf(key));
          return timeOf(key);
        },
        out);
    return out;
  }

  @Test
  void onlyTheKeysOfTheRangeAreRead() throws Exception {
    try (RocksDbStorage s = new RocksDbStorage(dir.resolve("db"))) {
      for (long t = 100; t < 110; t++) {
        s.db.put(s.logs, Keys.timeSeq("t1", t, 0), new byte[] {1});
        s.db.put(s.logs, Keys.timeSeq("t2", t, 0), new byte[] {1});
      }
      RocksDbReader reader = new RocksDbReader(s);
      assertEquals(
          List.of(105L, 104L, 103L),
          walk(reader, s, new RocksDbReader.Range(null, 103, 105), true));
      assertEquals(List.of(105L, 104L, 103L), read);
      assertEquals(
          List.of(103L, 104L, 105L),
          walk(reader, s, new RocksDbReader.Range(null, 103, 105), false));
      assertEquals(List.of(103L, 104L, 105L), read);
      assertEquals(
          List.of(108L, 109L),
          walk(reader, s, new RocksDbReader.Range(null, 108, Long.MAX_VALUE), false));
      assertEquals(
          List.of(101L, 100L),
          walk(reader, s, new RocksDbReader.Range(null, Long.MIN_VALUE, 101), true));
      assertEquals(List.of(), walk(reader, s, new RocksDbReader.Range(null, 200, 300), true));
      assertEquals(List.of(), read);
      // A cursor inside the range, after it, and before it.
      assertEquals(
          List.of(103L), walk(reader, s, new RocksDbReader.Range("104-0", 103, 105), true));
      assertEquals(
          List.of(105L, 104L, 103L),
          walk(reader, s, new RocksDbReader.Range("108-0", 103, 105), true));
      assertEquals(List.of(), walk(reader, s, new RocksDbReader.Range("102-0", 103, 105), true));
      assertEquals(
          List.of(105L), walk(reader, s, new RocksDbReader.Range("104-0", 103, 105), false));
      assertEquals(
          List.of(103L, 104L, 105L),
          walk(reader, s, new RocksDbReader.Range("101-0", 103, 105), false));
      assertEquals(List.of(), walk(reader, s, new RocksDbReader.Range("106-0", 103, 105), false));
    }
  }

  @Test
  void aFullPageAnswersACursorInsideTheRange() throws Exception {
    try (RocksDbStorage s = new RocksDbStorage(dir.resolve("db"))) {
      for (long t = 100; t < 110; t++) {
        s.db.put(s.logs, Keys.timeSeq("t1", t, 0), new byte[] {1});
      }
      RocksDbReader reader = new RocksDbReader(s);
      List<Long> out = new ArrayList<>();
      String next =
          reader.page(
              s.logs,
              "t1",
              new RocksDbReader.Range(null, 102, 106),
              2,
              true,
              (k, v) -> timeOf(k),
              out);
      assertEquals(List.of(106L, 105L), out);
      assertEquals("105-0", next);
      out.clear();
      assertNull(
          reader.page(
              s.logs,
              "t1",
              new RocksDbReader.Range("103-0", 102, 106),
              2,
              true,
              (k, v) -> timeOf(k),
              out));
      assertEquals(List.of(102L), out);
    }
  }
}
