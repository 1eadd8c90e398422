package com.example.broker.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

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
}
