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
 * starts faster. A new data directory (a test run's temporary one) gets its copy from the user's
 * cache, {@code $XDG_CACHE_HOME/postbox/native/<crc>-<size>/} or {@code
 * ~/.cache/postbox/native/...}, kept by the first start of this build: a file copy instead of
 * inflating the library out of the jar (docs/benchmarks.md#startup). Anything unusual (no jar, a
 * read-only or {@code noexec} data directory) falls back to rocksdbjni's own loading; a cache that
 * cannot be written is only skipped.
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
      // System.load takes absolute paths only
      Path dir = extracted(cacheRoot.toAbsolutePath(), userCache());
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

  /**
   * The user's cache of the library, or null when there is no home directory to put it in: {@code
   * $XDG_CACHE_HOME} (when absolute) or {@code ~/.cache}, then {@code postbox/native}.
   */
  static Path userCache() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "postbox", "native");
    }
    String home = System.getProperty("user.home");
    if (home == null || home.isBlank() || !Path.of(home).isAbsolute()) {
      return null;
    }
    return Path.of(home, ".cache", "postbox", "native");
  }

  /**
   * The directory holding an intact copy of the library under {@code cacheRoot}, made from the copy
   * in {@code userCache} when that has one of this build, else from the jar (and then kept in
   * {@code userCache} too, which may be null); null when the library is not in a jar.
   */
  static Path extracted(Path cacheRoot, Path userCache) throws IOException {
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
    String build = Long.toHexString(entry.getCrc()) + "-" + size;
    Path dir = cacheRoot.resolve(build);
    // The only name RocksDB.loadLibrary(paths) looks for in a directory (in rocksdbjni 9.x:
    // "librocksdbjnijni-linux64.so"); should that change, loading falls back to a temporary copy.
    Path target = dir.resolve(Environment.getJniLibraryFileName("rocksdbjni"));
    if (isCopy(target, size)) {
      return dir;
    }
    Files.createDirectories(dir);
    try (var stale = Files.newDirectoryStream(dir, "*.partial")) {
      for (Path p : stale) {
        Files.deleteIfExists(p); // left by a start that was killed while copying
      }
    }
    Path kept = userCache == null ? null : userCache.resolve(build).resolve(target.getFileName());
    boolean fromJar = kept == null || !isCopy(kept, size);
    Path partial = Files.createTempFile(dir, "rocksdbjni", ".partial");
    try {
      if (fromJar) {
        try (InputStream in = connection.getInputStream()) {
          Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
        }
      } else {
        Files.copy(kept, partial, StandardCopyOption.REPLACE_EXISTING); // no inflating
      }
      if (Files.size(partial) != size) {
        throw new IOException("short copy of " + file);
      }
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
    removeOtherBuilds(cacheRoot, dir);
    if (fromJar && kept != null) {
      keep(target, kept, size);
    }
    return dir;
  }

  private static boolean isCopy(Path file, long size) throws IOException {
    return Files.isRegularFile(file) && Files.size(file) == size;
  }

  /**
   * Puts a copy of {@code copy} at {@code kept} in the user's cache, for the next new data
   * directory; on any failure (no home, a read-only one, another start doing the same) it only says
   * so at debug level: the data directory has its copy already.
   */
  private static void keep(Path copy, Path kept, long size) {
    Path dir = kept.getParent();
    try {
      Files.createDirectories(dir);
      Path partial = Files.createTempFile(dir, "rocksdbjni", ".partial");
      try {
        Files.copy(copy, partial, StandardCopyOption.REPLACE_EXISTING);
        if (Files.size(partial) != size) {
          throw new IOException("short copy of " + copy);
        }
        Files.move(partial, kept, StandardCopyOption.ATOMIC_MOVE); // replaces a concurrent one
      } finally {
        Files.deleteIfExists(partial);
      }
      removeOtherBuilds(dir.getParent(), dir);
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot keep a copy of the RocksDB library in {}: {}", dir, e.toString());
    }
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
