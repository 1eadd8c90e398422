package dev.postbox.app;

import dev.postbox.core.queue.QueueRef;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The broker's state as gauges, each read when scraped from a figure kept in memory or a RocksDB
 * property (never a storage scan): messages in flight, due, waiting in queues, in the DLQ, the
 * storage's size and pending compaction, armed schedules.
 *
 * <p>Per-queue waiting counts are labelled with tenant and queue name for the {@link #TOP_QUEUES}
 * longest queues only (queues per tenant are bounded by {@code --max-queues}, but times every
 * tenant that is still too many series); {@code postbox_queued_messages} is the sum over all.
 */
final class StateGauges {
  /** How many queues get their own waiting-count series (the longest ones). */
  static final int TOP_QUEUES = 20;

  /** Where the figures come from; each must be cheap. */
  record Sources(
      IntSupplier inFlight,
      Supplier<Map<QueueRef, Long>> waitingByQueue,
      LongSupplier dueEstimate,
      LongSupplier dlqEstimate,
      LongSupplier sstBytes,
      LongSupplier pendingCompactionBytes,
      IntSupplier armedSchedules) {}

  private final Sources sources;
  private final MultiGauge queueWaiting;
  private volatile long queued; // the sum at the last refresh

  StateGauges(MeterRegistry registry, Sources s) {
    this.sources = s;
    Gauge.builder("postbox.messages.in.flight", () -> s.inFlight().getAsInt())
        .description("Delivery attempts started and not yet ended")
        .register(registry);
    Gauge.builder("postbox.messages.due", () -> s.dueEstimate().getAsLong())
        .description("Messages waiting for their due time or a retry (RocksDB's key estimate)")
        .register(registry);
    Gauge.builder("postbox.queued.messages", () -> queued)
        .description("Messages waiting for a slot of their queue, all queues")
        .register(registry);
    Gauge.builder("postbox.messages.pending", this::pending)
        .description("Messages not yet ended: due (estimate) + in flight + queued")
        .register(registry);
    Gauge.builder("postbox.dlq.messages", () -> s.dlqEstimate().getAsLong())
        .description("Messages in the DLQ, all tenants (RocksDB's key estimate)")
        .register(registry);
    Gauge.builder("postbox.storage.sst.size", () -> s.sstBytes().getAsLong())
        .description("Bytes of RocksDB's SST files (the write-ahead log not included)")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder(
            "postbox.storage.compaction.pending", () -> s.pendingCompactionBytes().getAsLong())
        .description("Bytes RocksDB estimates its compaction still has to rewrite")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("postbox.schedules.armed", () -> s.armedSchedules().getAsInt())
        .description("Schedules with a pending tick")
        .register(registry);
    this.queueWaiting =
        MultiGauge.builder("postbox.queue.waiting.messages")
            .description("Messages waiting for a slot, for the " + TOP_QUEUES + " longest queues")
            .register(registry);
  }

  /** Reads the per-queue counts again; call before each scrape. */
  synchronized void refresh() {
    Map<QueueRef, Long> waiting = sources.waitingByQueue().get();
    long sum = 0;
    for (long n : waiting.values()) {
      sum += n;
    }
    queued = sum;
    List<Map.Entry<QueueRef, Long>> longest = new ArrayList<>(waiting.entrySet());
    longest.sort(Map.Entry.<QueueRef, Long>comparingByValue(Comparator.reverseOrder()));
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (Map.Entry<QueueRef, Long> e : longest.subList(0, Math.min(TOP_QUEUES, longest.size()))) {
      rows.add(
          MultiGauge.Row.of(
              Tags.of("tenant", e.getKey().tenant(), "queue", e.getKey().name()), e.getValue()));
    }
    queueWaiting.register(rows, true); // overwrite: queues no longer among the longest go away
  }

  private long pending() {
    return sources.dueEstimate().getAsLong() + sources.inFlight().getAsInt() + queued;
  }
}
