package dev.postbox.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new data directory gets its copy of the native library from the user's cache, which the first
 * start of a build fills, and not by inflating the library out of the jar again.
 */
@Timeout(60)
class RocksDbNativeLibraryTest {
  @TempDir Path tmp;

  @Test
  void aNewDataDirectoryCopiesTheUserCachesLibrary() throws Exception {
    Path cache = tmp.resolve("cache");
    Path first = RocksDbNativeLibrary.extracted(tmp.resolve("a"), cache);
    assertNotNull(first, "rocksdbjni is a jar on the test class path");
    Path copy = onlyFile(first);
    Path kept = onlyFile(cache.resolve(first.getFileName()));
    assertEquals(copy.getFileName(), kept.getFileName());
    assertEquals(-1, Files.mismatch(copy, kept), "the first start keeps what it copied");

    // Same size, other bytes: only a copy from the cache can bring these to the next directory.
    byte[] marker = new byte[(int) Files.size(kept)];
    Arrays.fill(marker, (byte) 7);
    Files.write(kept, marker);
    Path second = RocksDbNativeLibrary.extracted(tmp.resolve("b"), cache);
    assertEquals(first.getFileName(), second.getFileName());
    assertArrayEquals(marker, Files.readAllBytes(onlyFile(second)));
  }

  @Test
  void withoutAUsableCacheTheLibraryStillComesFromTheJar() throws Exception {
    Path fromJar = onlyFile(RocksDbNativeLibrary.extracted(tmp.resolve("a"), null));
    Path notADirectory = Files.writeString(tmp.resolve("cache"), "a file, not a directory");
    Path copy = onlyFile(RocksDbNativeLibrary.extracted(tmp.resolve("b"), notADirectory));
    assertEquals(-1, Files.mismatch(fromJar, copy));
    assertEquals("a file, not a directory", Files.readString(notADirectory));
  }

  @Test
  void anEarlierBuildsCopyInTheCacheIsRemovedWhenThisBuildIsKept() throws Exception {
    Path cache = tmp.resolve("cache");
    Path old = Files.createDirectories(cache.resolve("0-3"));
    Files.writeString(old.resolve("librocksdbjni-old.so"), "old");
    Path dir = RocksDbNativeLibrary.extracted(tmp.resolve("a"), cache);
    assertTrue(Files.notExists(old));
    onlyFile(cache.resolve(dir.getFileName()));
  }

  private static Path onlyFile(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> all = files.toList();
      assertEquals(1, all.size(), all.toString());
      return all.get(0);
    }
  }
}
