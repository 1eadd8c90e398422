package dev.postbox.storage.rocksdb;

import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.error.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * An exclusive lock on a data directory, held from before RocksDB opens it until after it is
 * closed, on the file {@value #FILE} in it. A second server on the same directory then fails with a
 * plain message before it reaches RocksDB, which would otherwise rotate the running server's info
 * log ({@code LOG} to {@code LOG.old.*}) before finding its own lock taken.
 *
 * <p>File locks belong to the whole process, and closing any channel on the file may release them
 * all; so a directory this process already holds is recognised from {@link #HELD} without opening
 * the file again.
 */
final class DataDirectoryLock implements AutoCloseable {
  static final String FILE = "postbox.lock";

  /** The directories this process holds, as real paths. Guarded by itself. */
  private static final Set<Path> HELD = new HashSet<>();

  private final Path dir;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(Path dir, FileChannel channel, FileLock lock) {
    this.dir = dir;
    this.channel = channel;
    this.lock = lock;
  }

  /** Locks {@code dir}, which must exist; throws if another server (or store) holds it. */
  static DataDirectoryLock acquire(Path dir) {
    Path shown = dir.toAbsolutePath().normalize();
    Path real;
    try {
      real = dir.toRealPath();
    } catch (IOException e) {
      throw new StorageException("cannot lock data directory " + shown, e);
    }
    synchronized (HELD) {
      if (HELD.contains(real)) {
        throw inUse(shown);
      }
      FileChannel channel = null;
      try {
        channel =
            FileChannel.open(
                real.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
          channel.close();
          throw inUse(shown);
        }
        HELD.add(real);
        return new DataDirectoryLock(real, channel, lock);
      } catch (OverlappingFileLockException e) {
        // Held in this process by code that bypassed HELD; closing the channel could release it.
        throw inUse(shown);
      } catch (IOException e) {
        closeQuietly(channel);
        throw new StorageException("cannot lock data directory " + shown, e);
      }
    }
  }

  private static StorageException inUse(Path dir) {
    return new StorageException(
        ErrorCode.STORAGE_UNAVAILABLE, "another Postbox process is using " + dir);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing held through it
    }
  }

  /** Releases the lock; the file stays (deleting it could race a server that just opened it). */
  @Override
  public void close() {
    synchronized (HELD) {
      try {
        lock.release();
      } catch (IOException ignored) {
        // closing the channel releases it too
      }
      closeQuietly(channel);
      HELD.remove(dir);
    }
  }
}
