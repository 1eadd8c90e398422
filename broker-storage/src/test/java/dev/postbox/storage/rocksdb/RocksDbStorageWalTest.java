package dev.postbox.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/** The WAL's options (docs/architecture.md#the-wal): bounded, and its files recycled safely. */
class RocksDbStorageWalTest {
  private static final byte[] VALUE = new byte[1024];

  @TempDir Path dir;

  @Test
  void theWalIsBoundedAndItsFilesRecycled() {
    try (DBOptions options = RocksDbStorage.dbOptions()) {
      assertEquals(RocksDbStorage.RECYCLED_WAL_FILES, options.recycleLogFileNum());
      assertEquals(RocksDbStorage.MAX_TOTAL_WAL_BYTES, options.maxTotalWalSize());
    }
  }

  /**
   * The WAL file written last is a recycled one that still holds older puts past what was written
   * over it; after a reopen without a flush (as after a crash), what was written over it is
   * replayed and the old puts are not.
   */
  @Test
  void aRecycledWalFilesOldRecordsAreNeverReplayed() throws Exception {
    RocksDbNativeLibrary.load(dir.resolve("native"));
    Path path = dir.resolve("db");
    List<byte[]> keys = new ArrayList<>();
    try (DBOptions options = RocksDbStorage.dbOptions().setAvoidFlushDuringShutdown(true);
        ColumnFamilyOptions cf = new ColumnFamilyOptions();
        WriteOptions sync = new WriteOptions().setSync(true);
        FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      Open db = Open.of(options, cf, path);
      try {
        int reusedBefore = 0;
        for (int round = 0; round < 6; round++) {
          for (int i = 0; i < 200; i++) {
            byte[] key = key(round + "-" + i);
            keys.add(key);
            db.db.put(db.family, sync, key, VALUE);
          }
          reusedBefore = reusedWalFiles(path);
          db.db.flush(flush, db.family); // a new WAL file: a recycled one once there is one
        }
        assertTrue(
            reusedWalFiles(path) > reusedBefore,
            "the last flush started a recycled WAL file: " + reusedWalFiles(path));
        try (WriteBatch deletes = new WriteBatch()) {
          for (byte[] key : keys) {
            deletes.delete(db.family, key);
          }
          deletes.put(db.family, key("last"), VALUE);
          db.db.write(sync, deletes); // far smaller than the old puts left in the recycled file
        }
      } finally {
        db.close(); // no flush: the reopen replays the WAL
      }
      Open reopened = Open.of(options, cf, path);
      try {
        assertArrayEquals(VALUE, reopened.db.get(reopened.family, key("last")));
        for (byte[] key : keys) {
          assertNull(
              reopened.db.get(reopened.family, key),
              new String(key, StandardCharsets.UTF_8) + " came back");
        }
      } finally {
        reopened.close();
      }
    }
  }

  private static byte[] key(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** How many times RocksDB's info log says it started a WAL over a recycled file. */
  private static int reusedWalFiles(Path db) throws IOException {
    try (var lines = Files.lines(db.resolve("LOG"), StandardCharsets.ISO_8859_1)) {
      return (int) lines.filter(l -> l.contains("reusing log")).count();
    }
  }

  /** A database with its default family only. */
  private record Open(RocksDB db, ColumnFamilyHandle family) {
    static Open of(DBOptions options, ColumnFamilyOptions cf, Path path) throws RocksDBException {
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      RocksDB db =
          RocksDB.open(
              options,
              path.toString(),
              Arrays.asList(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cf)),
              handles);
      return new Open(db, handles.get(0));
    }

    void close() {
      family.close();
      db.close();
    }
  }
}
