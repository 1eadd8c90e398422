package dev.postbox.core.testing;

import dev.postbox.core.store.MessageStore;

class InMemoryWorkflowStoreTest extends WorkflowStoreContract {
  @Override
  protected MessageStore createStore() {
    return new InMemoryMessageStore();
  }
}
