package com.example.broker.core.testing;

import com.example.broker.core.store.MessageStore;

class InMemoryMessageStoreTest extends MessageStoreContract {
  @Override
  protected MessageStore createStore() {
    return new InMemoryMessageStore();
  }
}
