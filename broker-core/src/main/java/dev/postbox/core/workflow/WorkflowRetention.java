package dev.postbox.core.workflow;

import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.Page;
import java.util.HashSet;
import java.util.Set;

/**
 * Retention of ended workflow runs (docs/workflow.md): a run that ended before the cut goes with
 * its history, unless a DLQ entry still names it (a failed run stays while its entry can be
 * resumed, restarted or have its failure callback published again; it goes in a later pass once the
 * entry is gone).
 */
public final class WorkflowRetention {
  private static final int DLQ_PAGE = 1000;

  private WorkflowRetention() {}

  /** Deletes the tenant's runs that ended before {@code endedBefore}; returns how many went. */
  public static int expire(MessageStore store, String tenant, long endedBefore) {
    Set<String> named = new HashSet<>();
    String cursor = null;
    do {
      Page<DlqEntry> page =
          store.listDlq(
              tenant, cursor, DLQ_PAGE, false, e -> WorkflowDlq.runId(e.message()) != null);
      page.items().forEach(e -> named.add(WorkflowDlq.runId(e.message())));
      cursor = page.nextCursor();
    } while (cursor != null);
    return store.expireRuns(tenant, endedBefore, named::contains);
  }
}
