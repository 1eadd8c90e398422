package dev.postbox.core.testing;

import dev.postbox.core.store.MessageStore;

class InMemoryWaitStoreTest extends WaitStoreContract {
  @Override
  protected MessageStore createStore() {
    return new InMemoryMessageStore();
  }
}
