package dev.postbox.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StoreBatch;
import dev.postbox.core.testing.WaitStoreContract;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbWaitStoreTest extends WaitStoreContract {
  @TempDir Path dir;

  @Override
  protected MessageStore createStore() {
    return RocksDbMessageStore.open(dir.resolve("db"));
  }

  @Test
  void waitersAndKeptEventsSurviveAReopen() {
    commit(
        new StoreBatch()
            .putWaiter(aWaiter("t1", "r1", "e1", 3))
            .putWaitEvent(anEvent("t1", "r1", "e2", "data")));
    store.close();
    store = createStore();
    assertEquals(List.of(aWaiter("t1", "r1", "e1", 3)), store.waiters());
    assertEquals(List.of(anEvent("t1", "r1", "e2", "data")), store.waitEvents());
  }
}
