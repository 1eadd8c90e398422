package dev.postbox.core.testmode;

import dev.postbox.core.delivery.Dispatcher;
import dev.postbox.core.flow.FlowControlService;
import dev.postbox.core.group.UrlGroup;
import dev.postbox.core.group.UrlGroupService;
import dev.postbox.core.message.Message;
import dev.postbox.core.queue.QueueService;
import dev.postbox.core.schedule.ScheduleService;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.workflow.WorkflowService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Test mode's reset of one tenant (docs/testing.md): its schedules, workflow runs that go on,
 * queues, pending messages, URL groups and flow-control keys go through the services that own them
 * (so their counters and limits follow), then its logs, DLQ, deduplication ids, ended messages and
 * recorded deliveries are dropped. Other tenants are not touched.
 */
public final class TenantReset {
  private static final int PAGE = 1000;
  private static final int MAX_PASSES = 1000;

  /** The services a reset goes through. */
  public record Services(
      MessageStore store,
      Dispatcher dispatcher,
      ScheduleService schedules,
      QueueService queues,
      UrlGroupService groups,
      FlowControlService flow,
      WorkflowService workflows) {}

  private final Services s;
  private final DeliveryLog deliveries;

  public TenantReset(Services services, DeliveryLog deliveries) {
    this.s = services;
    this.deliveries = deliveries;
  }

  /** Empties {@code tenant}; returns once done. */
  public void reset(String tenant) {
    for (ScheduleService.View v : s.schedules().list(tenant)) {
      s.schedules().delete(tenant, v.schedule().id()).join();
    }
    for (int i = 0; i < MAX_PASSES; i++) {
      if (s.workflows().cancelMatching(tenant, r -> true, PAGE).join() == 0) {
        break;
      }
    }
    for (QueueService.View q : s.queues().list(tenant)) {
      s.queues().delete(tenant, q.queue().name());
    }
    cancelMessages(tenant);
    for (UrlGroup g : s.groups().list(tenant)) {
      s.groups().delete(tenant, g.name());
    }
    for (FlowControlService.View v : s.flow().list(tenant, null)) {
      String key = v.config().key();
      s.flow().resume(tenant, key);
      s.flow().unpin(tenant, key, true, true);
      s.flow().reset(tenant, key);
    }
    MessageStore store = s.store();
    store.expireEnded(tenant, Long.MAX_VALUE);
    store.expireLogs(tenant, Long.MAX_VALUE);
    store.expireDlq(tenant, Long.MAX_VALUE);
    store.expireDedup(tenant, Long.MAX_VALUE);
    deliveries.clear(tenant);
  }

  private void cancelMessages(String tenant) {
    String after = null;
    for (int i = 0; i < MAX_PASSES; i++) {
      List<Message> page = s.store().scanMessages(tenant, after, PAGE, m -> true);
      List<CompletableFuture<Boolean>> cancels = new ArrayList<>();
      for (Message m : page) {
        cancels.add(s.dispatcher().cancel(m.ref()));
      }
      CompletableFuture.allOf(cancels.toArray(new CompletableFuture<?>[0])).join();
      if (page.size() < PAGE) {
        return;
      }
      after = page.get(page.size() - 1).id();
    }
  }
}
