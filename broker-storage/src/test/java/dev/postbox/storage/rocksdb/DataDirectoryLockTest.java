package dev.postbox.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.error.StorageException;
import dev.postbox.core.message.Message;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.StoreBatch;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One data directory, one server: a second one fails plainly and leaves the first untouched. */
@Timeout(60)
class DataDirectoryLockTest {
  @TempDir Path tmp;

  private static Message message(String id) {
    return Message.builder().withTenant("t1").withId(id).withUrl("http://127.0.0.1:9/").build();
  }

  private static void put(RocksDbMessageStore store, String id) {
    store.commit(new StoreBatch().putMessage(message(id)), Durability.SYNC).join();
  }

  private static boolean has(RocksDbMessageStore store, String id) {
    return store.findMessage(message(id).ref()).isPresent();
  }

  private static List<String> oldLogs(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("LOG.old"))
          .toList();
    }
  }

  @Test
  void aSecondStoreOnTheSameDirectoryFailsAndLeavesTheFirstAlone() throws Exception {
    Path dir = tmp.resolve("db");
    RocksDbMessageStore first = RocksDbMessageStore.open(dir);
    try {
      put(first, "m1");
      Path log = dir.resolve("LOG");
      Object inode = Files.getAttribute(log, "unix:ino");
      byte[] before = Files.readAllBytes(log);

      StorageException e =
          assertThrows(StorageException.class, () -> RocksDbMessageStore.open(dir));
      assertEquals(
          "another Postbox process is using " + dir.toAbsolutePath().normalize(), e.getMessage());

      assertEquals(inode, Files.getAttribute(log, "unix:ino"), "the info log was not rotated");
      assertEquals(List.of(), oldLogs(dir));
      byte[] after = Files.readAllBytes(log);
      assertArrayEquals(before, Arrays.copyOf(after, before.length), "nothing was lost from it");
      put(first, "m2");
      assertTrue(has(first, "m1") && has(first, "m2"));
    } finally {
      first.close();
    }

    RocksDbMessageStore second = RocksDbMessageStore.open(dir);
    try {
      assertTrue(has(second, "m1") && has(second, "m2"));
    } finally {
      second.close();
    }
  }

  /** The lock of another process (a JVM holding the file's lock) is refused just the same. */
  @Test
  void aDirectoryLockedByAnotherProcessIsRefused() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("db"));
    Path holder = tmp.resolve("Holder.java");
    Files.writeString(
        holder,
        "import java.nio.channels.FileChannel;\n"
            + "import java.nio.file.*;\n"
            + "public class Holder {\n"
            + "  public static void main(String[] a) throws Exception {\n"
            + "    FileChannel c = FileChannel.open(Path.of(a[0]),"
            + " StandardOpenOption.CREATE, StandardOpenOption.WRITE);\n"
            + "    if (c.tryLock() == null) { System.exit(3); }\n"
            + "    System.out.println(\"locked\");\n"
            + "    System.in.read();\n"
            + "  }\n"
            + "}\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(java, holder.toString(), dir.resolve(DataDirectoryLock.FILE).toString())
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("locked", out.readLine());

      StorageException e =
          assertThrows(StorageException.class, () -> RocksDbMessageStore.open(dir));
      assertEquals(
          "another Postbox process is using " + dir.toAbsolutePath().normalize(), e.getMessage());
      assertTrue(Files.notExists(dir.resolve("LOG")), "RocksDB was not reached");
    } finally {
      p.destroy();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    RocksDbMessageStore.open(dir).close(); // free once that process is gone
  }
}
