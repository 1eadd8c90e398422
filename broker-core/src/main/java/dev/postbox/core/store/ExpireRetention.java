package dev.postbox.core.store;

import dev.postbox.core.message.KeepEnded;
import dev.postbox.core.tenant.Tenant;
import dev.postbox.core.time.Clock;
import dev.postbox.core.workflow.WorkflowRetention;
import java.time.Duration;
import java.util.List;

/**
 * One pass of retention: drops logs and DLQ entries older than their retention (range deletes), the
 * bodies only those logs still needed, deduplication ids whose window ended, ended messages past
 * their {@link KeepEnded} window, and workflow runs that ended longer ago than the log retention
 * ({@link WorkflowRetention}).
 */
public final class ExpireRetention implements Runnable {
  private final MessageStore store;
  private final List<Tenant> tenants;
  private final Clock clock;
  private final Duration logRetention;
  private final Duration dlqRetention;
  private final KeepEnded keepEnded;

  public ExpireRetention(
      MessageStore store,
      List<Tenant> tenants,
      Clock clock,
      Duration logRetention,
      Duration dlqRetention,
      KeepEnded keepEnded) {
    this.store = store;
    this.tenants = tenants;
    this.clock = clock;
    this.logRetention = logRetention;
    this.dlqRetention = dlqRetention;
    this.keepEnded = keepEnded;
  }

  @Override
  public void run() {
    long now = clock.millis();
    for (Tenant t : tenants) {
      // Ended records first: a body stored apart is kept while an ended record still needs it.
      store.expireEnded(t.id(), keepEnded.expiredBefore(now));
      store.expireLogs(t.id(), now - logRetention.toMillis());
      store.expireDlq(t.id(), now - dlqRetention.toMillis());
      // After the DLQ: an entry that expired no longer keeps its run.
      WorkflowRetention.expire(store, t.id(), now - logRetention.toMillis());
      store.expireDedup(t.id(), now);
    }
  }
}
