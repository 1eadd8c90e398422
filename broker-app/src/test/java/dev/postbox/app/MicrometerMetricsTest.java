package dev.postbox.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.metrics.AttemptOutcome;
import dev.postbox.core.queue.QueueRef;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The Micrometer adapter: names, labels and values as Prometheus sees them. */
class MicrometerMetricsTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MicrometerMetrics metrics = new MicrometerMetrics(registry);

  @Test
  void eventsBecomeCountersTimersAndSummaries() {
    metrics.published("t1");
    metrics.published("t1");
    metrics.published("t2");
    metrics.attempt(AttemptOutcome.DELIVERED, TimeUnit.MILLISECONDS.toNanos(3));
    metrics.attempt(AttemptOutcome.DLQ, TimeUnit.MILLISECONDS.toNanos(300));
    metrics.scheduleTick();
    metrics.commitGroup(5);
    metrics.walSync(5, TimeUnit.MICROSECONDS.toNanos(700));
    String text = registry.scrape();
    assertTrue(text.contains("postbox_messages_published_total{tenant=\"t1\"} 2.0"), text);
    assertTrue(text.contains("postbox_messages_published_total{tenant=\"t2\"} 1.0"), text);
    assertTrue(text.contains("postbox_delivery_attempts_total{outcome=\"delivered\"} 1.0"), text);
    assertTrue(text.contains("postbox_delivery_attempts_total{outcome=\"dlq\"} 1.0"), text);
    assertTrue(text.contains("postbox_delivery_attempts_total{outcome=\"retry\"} 0.0"), text);
    assertTrue(text.contains("postbox_delivery_attempts_total{outcome=\"canceled\"} 0.0"), text);
    assertTrue(text.contains("postbox_delivery_duration_seconds_bucket{le=\"0.005\"} 1"), text);
    assertTrue(text.contains("postbox_delivery_duration_seconds_bucket{le=\"0.25\"} 1"), text);
    assertTrue(text.contains("postbox_delivery_duration_seconds_bucket{le=\"0.5\"} 2"), text);
    assertTrue(text.contains("postbox_delivery_duration_seconds_count 2"), text);
    assertTrue(text.contains("postbox_schedule_ticks_total 1.0"), text);
    assertTrue(text.contains("postbox_storage_commit_group_submissions_sum 5.0"), text);
    assertTrue(text.contains("postbox_storage_wal_sync_seconds_bucket{le=\"0.001\"} 1"), text);
    assertTrue(text.contains("postbox_storage_wal_sync_submissions_count 1"), text);
  }

  @Test
  void stateGaugesReadTheirSourcesAndLabelOnlyTheLongestQueues() {
    AtomicReference<Map<QueueRef, Long>> waiting = new AtomicReference<>(Map.of());
    StateGauges gauges =
        new StateGauges(
            registry,
            new StateGauges.Sources(
                () -> 3, waiting::get, () -> 40, () -> 7, () -> 1024, () -> 0, () -> 2));
    Map<QueueRef, Long> many = new HashMap<>();
    for (int i = 1; i <= StateGauges.TOP_QUEUES + 5; i++) {
      many.put(new QueueRef("t1", "q" + i), (long) i);
    }
    waiting.set(many);
    gauges.refresh();
    String text = registry.scrape();
    assertTrue(text.contains("postbox_messages_in_flight 3.0"), text);
    assertTrue(text.contains("postbox_messages_due 40.0"), text);
    assertTrue(text.contains("postbox_dlq_messages 7.0"), text);
    assertTrue(text.contains("postbox_storage_sst_size_bytes 1024.0"), text);
    assertTrue(text.contains("postbox_storage_compaction_pending_bytes 0.0"), text);
    assertTrue(text.contains("postbox_schedules_armed 2.0"), text);
    long sum = (long) (StateGauges.TOP_QUEUES + 5) * (StateGauges.TOP_QUEUES + 6) / 2;
    assertTrue(text.contains("postbox_queued_messages " + (double) sum), text);
    assertTrue(text.contains("postbox_messages_pending " + (double) (40 + 3 + sum)), text);
    assertTrue(
        text.contains("postbox_queue_waiting_messages{queue=\"q25\",tenant=\"t1\"} 25.0"), text);
    assertTrue(
        text.contains("postbox_queue_waiting_messages{queue=\"q6\",tenant=\"t1\"} 6.0"), text);
    assertFalse(text.contains("queue=\"q5\""), "only the longest queues get a series");

    waiting.set(Map.of());
    gauges.refresh();
    String after = registry.scrape();
    assertFalse(after.contains("postbox_queue_waiting_messages{"), after);
    assertTrue(after.contains("postbox_queued_messages 0.0"), after);
  }
}
