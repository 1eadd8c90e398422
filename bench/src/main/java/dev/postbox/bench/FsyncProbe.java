package dev.postbox.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The disk's own floor for a durable acknowledgement: append 256 bytes and {@code fdatasync}, again
 * and again, on the disk that holds the data directories. A publish is acknowledged only after such
 * a sync, so no publish latency percentile can be below this one.
 */
final class FsyncProbe {
  private FsyncProbe() {}

  static double p99Millis(Path dir, int rounds) throws IOException {
    Path file = Files.createTempFile(dir, "fsync", ".probe");
    List<Double> ms = new ArrayList<>(rounds);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.APPEND)) {
      ByteBuffer record = ByteBuffer.allocate(256);
      for (int i = 0; i < rounds; i++) {
        record.clear();
        ch.write(record);
        long t = System.nanoTime();
        ch.force(false);
        ms.add((System.nanoTime() - t) / 1e6);
      }
    } finally {
      Files.deleteIfExists(file);
    }
    return Stats.percentile(ms, 99);
  }

  /**
   * The same while every core is kept busy by a spinning thread: what a sync costs a server whose
   * cores are also running its event loops, the generator and the receiver. The syncing thread must
   * get a core back once the disk is done, so its tail grows with the load, not the disk.
   */
  static double p99MillisWithCoresBusy(Path dir, int rounds) throws IOException {
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> spinners = new ArrayList<>();
    for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
      Thread t =
          new Thread(
              () -> {
                long x = 0;
                while (!stop.get()) {
                  x++;
                }
                spun.addAndGet(x);
              },
              "fsync-probe-spinner-" + i);
      t.setDaemon(true);
      t.start();
      spinners.add(t);
    }
    try {
      return p99Millis(dir, rounds);
    } finally {
      stop.set(true);
      for (Thread t : spinners) {
        try {
          t.join(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static final AtomicLong spun =
      new AtomicLong(); // keeps the spin loops from being removed
}
