package dev.postbox.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.message.Message;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.StoreBatch;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RocksDB's own figures as the metrics read them, and that a closed store reads 0 safely. */
class RocksDbGaugesTest {
  @TempDir Path dir;

  @Test
  void figuresFollowTheDataAndReadZeroOnceClosed() {
    RocksDbMessageStore store = RocksDbMessageStore.open(dir);
    RocksDbGauges g = store.gauges();
    assertTrue(store.isOpen());
    assertEquals(0, g.dueEstimate());
    assertEquals(0, g.sstBytes());
    StoreBatch b = new StoreBatch();
    for (int i = 0; i < 10; i++) {
      b.putNewMessage(
          Message.builder()
              .withTenant("t1")
              .withId("msg_" + i)
              .withUrl("http://example.com/" + i)
              .withBody(new byte[100])
              .withHeaders(Map.of())
              .withCreatedAt(1)
              .withNotBefore(1)
              .withDueAt(1000 + i)
              .build());
    }
    store.commit(b, Durability.SYNC).join();
    assertEquals(10, g.dueEstimate());
    assertEquals(0, g.dlqEstimate());
    assertTrue(g.pendingCompactionBytes() >= 0);

    store.close();
    assertFalse(store.isOpen());
    assertEquals(0, g.dueEstimate());
    assertEquals(0, g.sstBytes());
    assertEquals(0, g.pendingCompactionBytes());
  }
}
