package dev.postbox.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that cannot start says why in one line and exits with status 1 (it used to print a stack
 * trace and hang, kept alive by the threads it had started); and RocksDB's native library is kept
 * in the data directory, not copied anew into the temporary directory at every start.
 */
class StartupFailureIT {
  @TempDir Path dir;

  @Test
  void aPortInUseOrALockedDataDirEndsTheProcessWithAClearError() throws Exception {
    JarServer running = JarServer.start(dir.resolve("a"), dir.resolve("a.log"));
    try {
      Path log = dir.resolve("same-port.log");
      Process samePort = JarServer.launch(dir.resolve("b"), running.port, log);
      assertExitsWithOne(samePort, log, "cannot listen on");
      assertTrue(
          Files.notExists(dir.resolve("b")),
          "a server that cannot listen must not create its data directory");

      Path log2 = dir.resolve("same-dir.log");
      Process sameDir = JarServer.launch(dir.resolve("a"), JarServer.freePort(), log2);
      assertExitsWithOne(sameDir, log2, "another Postbox process is using " + dir.resolve("a"));

      assertEquals(200, running.api().send("GET", "/v2/keys", null).status());
    } finally {
      running.kill();
    }
    Path nativeDir = dir.resolve("a").resolve("native");
    Path copy = onlyFile(nativeDir);
    JarServer.start(dir.resolve("a"), dir.resolve("a2.log")).stop();
    assertEquals(copy, onlyFile(nativeDir), "the kept copy is reused");

    // An upgrade: this build's copy is missing and an earlier build's is there.
    Files.delete(copy);
    Path old = Files.createDirectories(nativeDir.resolve("0-3"));
    Files.writeString(old.resolve(copy.getFileName().toString()), "old");
    JarServer.start(dir.resolve("a"), dir.resolve("a3.log")).stop();
    assertEquals(copy, onlyFile(nativeDir), "copied again, and the earlier build's copy removed");
    assertTrue(Files.notExists(old));
  }

  @Test
  void theNativeLibraryIsKeptWithARelativeDataDirToo() throws Exception {
    // The default data dir is relative (./postbox-data); System.load wants an absolute path.
    Path relative = Path.of("target", "relative-data-" + System.nanoTime());
    Path log = dir.resolve("relative.log");
    JarServer.start(relative, log).stop();
    String out = JarServer.read(log.toFile());
    assertTrue(!out.contains("temporary copy"), out);
    onlyFile(relative.resolve("native"));
  }

  private static Path onlyFile(Path root) throws Exception {
    try (Stream<Path> walk = Files.walk(root)) {
      List<Path> files = walk.filter(Files::isRegularFile).toList();
      assertEquals(1, files.size(), "one copy of the native library: " + files);
      assertTrue(files.get(0).getFileName().toString().endsWith(".so"), files.toString());
      return files.get(0);
    }
  }

  private static void assertExitsWithOne(Process p, Path log, String expected) throws Exception {
    boolean ended = p.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    String out = JarServer.read(log.toFile());
    assertTrue(ended, "still running after a failed start: " + out);
    assertEquals(1, p.exitValue(), out);
    assertTrue(out.contains("postbox: cannot start: ") && out.contains(expected), out);
    assertTrue(!out.contains("\tat "), "no stack trace: " + out);
  }
}
