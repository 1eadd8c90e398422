package dev.postbox.core.workflow;

import dev.postbox.core.delivery.DeliveryHook;
import dev.postbox.core.store.MessageStore;

/**
 * What the workflow parts share: the runs in memory. Make it first, hand {@link #deliveries()} to
 * the dispatcher's request building and outcome recording, then make the {@link WorkflowService}.
 */
public final class Workflows {
  private final MessageStore store;
  private final RunTable runs;
  private final WaitTable waits = new WaitTable();
  private final WorkflowDeliveries deliveries;
  private final FailureCalls failureCalls;

  public Workflows(MessageStore store) {
    this(store, RunTable.DEFAULT_CAPACITY);
  }

  /** With room for at most {@code capacity} runs in memory (see {@link RunTable}). */
  public Workflows(MessageStore store, int capacity) {
    this.store = store;
    this.runs = new RunTable(store, capacity, waits);
    this.deliveries = new WorkflowDeliveries(store, runs);
    this.failureCalls = new FailureCalls(store);
  }

  /** Where the failure callbacks of failed runs stand (for the DLQ and the logs). */
  public FailureCalls failureCalls() {
    return failureCalls;
  }

  /** The delivery hook: history bodies, and runs failed by their steps' final outcomes. */
  public DeliveryHook deliveries() {
    return deliveries;
  }

  /** Runs held in memory now. */
  public int runsInMemory() {
    return runs.size();
  }

  MessageStore store() {
    return store;
  }

  RunTable runs() {
    return runs;
  }

  WaitTable waits() {
    return waits;
  }
}
