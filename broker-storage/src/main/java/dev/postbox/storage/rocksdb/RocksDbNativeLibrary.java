package dev.postbox.storage.rocksdb;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.jar.JarEntry;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads RocksDB's native library from a copy kept in the data directory. By default rocksdbjni
 * copies its 15 MB library out of the jar into a new temporary file at every start, and a process
 * killed with SIGKILL never deletes it: a crash-looping server filled {@code /tmp} with one copy
 * per restart. Here the library is copied once, into {@code <data-dir>/native/<crc>-<size>/} (the
 * jar entry's CRC and size name the build), and loaded from there at every later start, which also
 * starts faster. Anything unusual (no jar, a read-only or {@code noexec} data directory) falls back
 * to rocksdbjni's own loading.
 */
final class RocksDbNativeLibrary {
  private static final Logger LOG = LoggerFactory.getLogger(RocksDbNativeLibrary.class);
  private static volatile boolean loaded;

  private RocksDbNativeLibrary() {}

  /** Loads the library once per process; {@code cacheRoot} is where copies are kept. */
  static synchronized void load(Path cacheRoot) {
    if (loaded) {
      return;
    }
    try {
      Path dir = extracted(cacheRoot.toAbsolutePath()); // System.load takes absolute paths only
      if (dir != null) {
        RocksDB.loadLibrary(List.of(dir.toString()));
        loaded = true;
        return;
      }
    } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
      LOG.warn("cannot load RocksDB from {}, using a temporary copy: {}", cacheRoot, e.toString());
    }
    RocksDB.loadLibrary();
    loaded = true;
  }

  /** The directory holding an intact copy of the library, or null when it is not in a jar. */
  private static Path extracted(Path cacheRoot) throws IOException {
    String file = Environment.getJniLibraryFileName("rocksdb");
    URL url = RocksDB.class.getClassLoader().getResource(file);
    if (url == null || !"jar".equals(url.getProtocol())) {
      return null;
    }
    URLConnection connection = url.openConnection();
    connection.setUseCaches(false); // do not keep the jar open through a shared cache
    JarEntry entry = ((JarURLConnection) connection).getJarEntry();
    long size = entry.getSize();
    if (size <= 0 || entry.getCrc() < 0) {
      return null;
    }
    Path dir = cacheRoot.resolve(Long.toHexString(entry.getCrc()) + "-" + size);
    // The only name RocksDB.loadLibrary(paths) looks for in a directory (in rocksdbjni 9.x:
    // "librocksdbjnijni-linux64.so"); should that change, loading falls back to a temporary copy.
    Path target = dir.resolve(Environment.getJniLibraryFileName("rocksdbjni"));
    if (Files.isRegularFile(target) && Files.size(target) == size) {
      return dir;
    }
    Files.createDirectories(dir);
    try (var stale = Files.newDirectoryStream(dir, "*.partial")) {
      for (Path p : stale) {
        Files.deleteIfExists(p); // left by a start that was killed while copying
      }
    }
    Path partial = Files.createTempFile(dir, "rocksdbjni", ".partial");
    try (InputStream in = connection.getInputStream()) {
      Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      if (Files.size(partial) != size) {
        throw new IOException("short copy of " + file);
      }
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
    removeOtherBuilds(cacheRoot, dir);
    return dir;
  }

  /** Copies of earlier builds (an upgrade made this one): 15 MB each, no longer needed. */
  private static void removeOtherBuilds(Path cacheRoot, Path keep) {
    try (var builds = Files.newDirectoryStream(cacheRoot, Files::isDirectory)) {
      for (Path old : builds) {
        if (old.equals(keep)) {
          continue;
        }
        try (var files = Files.newDirectoryStream(old)) {
          for (Path f : files) {
            Files.deleteIfExists(f); // a library still mapped by a running process stays mapped
          }
        }
        Files.deleteIfExists(old);
      }
    } catch (IOException e) {
      LOG.warn(
          "cannot remove old copies of the RocksDB library in {}: {}", cacheRoot, e.toString());
    }
  }
}
