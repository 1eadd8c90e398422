package dev.postbox.core.message;

import dev.postbox.core.delivery.Dispatcher;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/** Reading and cancelling pending messages (docs/api.md#messages). */
public final class MessageService {
  /** Largest number of messages one bulk cancel handles; clients loop until 0 come back. */
  public static final int MAX_BULK = 500;

  private final MessageStore store;
  private final Dispatcher dispatcher;
  private final Clock clock;
  private final KeepEnded keepEnded;

  /**
   * @param keepEnded how long a message that ended is still answered by {@link #get}
   */
  public MessageService(
      MessageStore store, Dispatcher dispatcher, Clock clock, KeepEnded keepEnded) {
    this.store = store;
    this.dispatcher = dispatcher;
    this.clock = clock;
    this.keepEnded = keepEnded;
  }

  /**
   * A pending or in-flight message, or one that ended (delivered, failed, cancelled) less than
   * {@link KeepEnded} ago, as it was when it ended; otherwise 404. Hosted QStash too removes final
   * messages shortly after they end.
   */
  public Message get(String tenant, String id) {
    MessageRef ref = new MessageRef(tenant, id);
    Optional<Message> pending = store.findMessage(ref);
    if (pending.isPresent()) {
      return pending.get();
    }
    if (keepEnded.isOn()) {
      Optional<EndedMessage> ended = store.findEnded(ref);
      if (ended.isPresent() && keepEnded.readable(ended.get(), clock.millis())) {
        return ended.get().message();
      }
    }
    throw new NotFoundException("message " + id + " not found");
  }

  /** Cancels a pending message; one that is unknown or already ended (even if kept) is a 404. */
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
