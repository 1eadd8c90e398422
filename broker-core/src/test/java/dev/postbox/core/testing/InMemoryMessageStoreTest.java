package dev.postbox.core.testing;

import dev.postbox.core.store.MessageStore;

class InMemoryMessageStoreTest extends MessageStoreContract {
  @Override
  protected MessageStore createStore() {
    return new InMemoryMessageStore();
  }
}
