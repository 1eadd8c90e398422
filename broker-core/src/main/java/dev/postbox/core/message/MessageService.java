package dev.postbox.core.message;

import dev.postbox.core.delivery.Dispatcher;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.store.MessageStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/** Reading and cancelling pending messages (docs/api.md#messages). */
public final class MessageService {
  /** Largest number of messages one bulk cancel handles; clients loop until 0 come back. */
  public static final int MAX_BULK = 500;

  private final MessageStore store;
  private final Dispatcher dispatcher;

  public MessageService(MessageStore store, Dispatcher dispatcher) {
    this.store = store;
    this.dispatcher = dispatcher;
  }

  /** A pending or in-flight message; final messages are gone (404), as on hosted QStash. */
  public Message get(String tenant, String id) {
    return store
        .findMessage(new MessageRef(tenant, id))
        .orElseThrow(() -> new NotFoundException("message " + id + " not found"));
  }

  public CompletableFuture<Void> cancel(String tenant, String id) {
    return dispatcher
        .cancel(new MessageRef(tenant, id))
        .thenAccept(
            found -> {
              if (!found) {
                throw new NotFoundException("message " + id + " not found");
              }
            });
  }

  /** Cancels the listed ids (unknown ones are skipped); completes with how many were cancelled. */
  public CompletableFuture<Integer> cancelIds(String tenant, Collection<String> ids) {
    List<CompletableFuture<Boolean>> all = new ArrayList<>();
    for (String id : ids) {
      all.add(dispatcher.cancel(new MessageRef(tenant, id)));
    }
    return countTrue(all);
  }

  /** Cancels up to {@code limit} pending messages that match. */
  public CompletableFuture<Integer> cancelMatching(
      String tenant, Predicate<Message> filter, int limit) {
    List<Message> found = store.scanMessages(tenant, null, limit, filter);
    List<CompletableFuture<Boolean>> all = new ArrayList<>();
    for (Message m : found) {
      all.add(dispatcher.cancel(m.ref()));
    }
    return countTrue(all);
  }

  private static CompletableFuture<Integer> countTrue(List<CompletableFuture<Boolean>> all) {
    return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]))
        .thenApply(v -> (int) all.stream().filter(CompletableFuture::join).count());
  }
}
