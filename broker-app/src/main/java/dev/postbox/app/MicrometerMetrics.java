package dev.postbox.app;

import dev.postbox.core.metrics.AttemptOutcome;
import dev.postbox.core.metrics.BrokerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The Micrometer adapter of {@link BrokerMetrics}: each event becomes a counter, timer or summary
 * made once and kept (no registry look-up per event, except a map read for a publish's tenant).
 * Labels are bounded: a tenant id (as many as tenants), an outcome (four). It lives in broker-app,
 * the module that wires everything, so that core, storage and the HTTP module name no metrics
 * library: the HTTP module only serves the text {@link #scrape} returns.
 */
final class MicrometerMetrics implements BrokerMetrics {
  /** Delivery attempt durations: from a few milliseconds (a local receiver) to a slow minute. */
  private static final Duration[] DELIVERY_BUCKETS =
      millis(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000);

  /** WAL syncs: well under a millisecond on fast disks, tens of milliseconds on slow ones. */
  private static final Duration[] SYNC_BUCKETS =
      micros(250, 500, 1000, 2000, 5000, 10_000, 25_000, 50_000, 100_000, 250_000, 1_000_000);

  /** Submissions per storage write or WAL sync: powers of two up to the group limit (4096). */
  private static final double[] GROUP_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096};

  private final MeterRegistry registry;
  private final Map<String, Counter> published = new ConcurrentHashMap<>();
  private final Map<AttemptOutcome, Counter> attempts = new EnumMap<>(AttemptOutcome.class);
  private final Timer deliveryDuration;
  private final Counter scheduleTicks;
  private final DistributionSummary commitGroup;
  private final Timer walSync;
  private final DistributionSummary walSyncSubmissions;

  MicrometerMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (AttemptOutcome o : AttemptOutcome.values()) {
      attempts.put(
          o,
          Counter.builder("postbox.delivery.attempts")
              .description("Delivery attempts, by how each ended for its message")
              .tag("outcome", o.label())
              .register(registry));
    }
    this.deliveryDuration =
        Timer.builder("postbox.delivery.duration")
            .description("Delivery attempts, from the request handed to the HTTP client to its end")
            .serviceLevelObjectives(DELIVERY_BUCKETS)
            .register(registry);
    this.scheduleTicks =
        Counter.builder("postbox.schedule.ticks")
            .description("Ticks the schedule timer fired, one per schedule and fire time")
            .register(registry);
    this.commitGroup =
        DistributionSummary.builder("postbox.storage.commit.group.submissions")
            .description("Commits (publishes, outcomes, ...) carried by one storage write")
            .serviceLevelObjectives(GROUP_BUCKETS)
            .register(registry);
    this.walSync =
        Timer.builder("postbox.storage.wal.sync")
            .description("Write-ahead log syncs (fsync), each acknowledging the synced commits")
            .serviceLevelObjectives(SYNC_BUCKETS)
            .register(registry);
    this.walSyncSubmissions =
        DistributionSummary.builder("postbox.storage.wal.sync.submissions")
            .description("Synced commits one WAL sync acknowledged")
            .serviceLevelObjectives(GROUP_BUCKETS)
            .register(registry);
  }

  @Override
  public void published(String tenant) {
    Counter c = published.get(tenant);
    if (c == null) {
      c =
          published.computeIfAbsent(
              tenant,
              t ->
                  Counter.builder("postbox.messages.published")
                      .description("Messages accepted (stored and acknowledged), by tenant")
                      .tag("tenant", t)
                      .register(registry));
    }
    c.increment();
  }

  @Override
  public void attempt(AttemptOutcome outcome, long nanos) {
    attempts.get(outcome).increment();
    deliveryDuration.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void scheduleTick() {
    scheduleTicks.increment();
  }

  @Override
  public void commitGroup(int submissions) {
    commitGroup.record(submissions);
  }

  @Override
  public void walSync(int submissions, long nanos) {
    walSync.record(nanos, TimeUnit.NANOSECONDS);
    walSyncSubmissions.record(submissions);
  }

  private static Duration[] millis(long... values) {
    Duration[] out = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Duration.ofMillis(values[i]);
    }
    return out;
  }

  private static Duration[] micros(long... values) {
    Duration[] out = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Duration.ofNanos(values[i] * 1000);
    }
    return out;
  }
}
