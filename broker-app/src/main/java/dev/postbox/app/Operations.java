package dev.postbox.app;

import dev.postbox.core.delivery.Dispatcher;
import dev.postbox.core.metrics.BrokerMetrics;
import dev.postbox.core.queue.QueueService;
import dev.postbox.http.api.OpsRoutes;
import dev.postbox.http.api.Readiness;
import dev.postbox.http.api.Routes;
import dev.postbox.http.server.ApiRouter;
import dev.postbox.scheduler.quartz.QuartzTickTimer;
import dev.postbox.storage.rocksdb.RocksDbGauges;
import dev.postbox.storage.rocksdb.RocksDbMessageStore;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * What an operator watches: the metrics registry (with the JVM and process binders), the gauges of
 * the broker's state, readiness and the drain flag, and the routes that serve them ({@link
 * OpsRoutes}). Made first, so that the store and the dispatcher can report to {@link #metrics()};
 * {@link #watch} adds what exists only later.
 */
final class Operations implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Thread jvmBinders;
  private final MicrometerMetrics metrics;
  private JvmGcMetrics gc; // guarded by this
  private boolean closed; // guarded by this
  private volatile boolean draining;
  private volatile RocksDbMessageStore store;
  private volatile QuartzTickTimer timer;
  private volatile StateGauges gauges;

  Operations() {
    this.metrics = new MicrometerMetrics(registry);
    // The JVM and process binders load java.management's beans, a part of a start that /ready
    // does not need: they bind on a thread of their own, and a scrape waits for them.
    this.jvmBinders = new Thread(this::bindJvmMetrics, "postbox-jvm-metrics");
    jvmBinders.setDaemon(true);
    jvmBinders.start();
  }

  private synchronized void bindJvmMetrics() {
    if (closed) {
      return;
    }
    new JvmMemoryMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  BrokerMetrics metrics() {
    return metrics;
  }

  /** Adds the gauges of the broker's state and the parts readiness checks. */
  void watch(
      RocksDbMessageStore store,
      Dispatcher dispatcher,
      QueueService queues,
      QuartzTickTimer timer) {
    this.store = store;
    this.timer = timer;
    RocksDbGauges rocks = store.gauges();
    this.gauges =
        new StateGauges(
            registry,
            new StateGauges.Sources(
                dispatcher::inFlightCount,
                queues::waitingCounts,
                rocks::dueEstimate,
                rocks::dlqEstimate,
                rocks::sstBytes,
                rocks::pendingCompactionBytes,
                timer::pending));
  }

  /**
   * The routes at the root ({@code /health}, {@code /ready}, {@code /metrics}) before {@code next}
   * ({@code api}, or a router in front of it), which they refuse while the broker drains.
   */
  OpsRoutes routes(Routes api, ApiRouter next, boolean metricsAuth) {
    return new OpsRoutes(api, next, this::readiness, () -> draining, this::scrape, metricsAuth);
  }

  Readiness readiness() {
    RocksDbMessageStore s = store;
    QuartzTickTimer t = timer;
    return new Readiness(s != null && s.isOpen(), t != null && t.isRunning(), draining);
  }

  /** From now on {@code /ready} answers 503 and API calls are refused: the broker shuts down. */
  void drain() {
    draining = true;
  }

  /** The metrics in Prometheus' text format. */
  String scrape() {
    try {
      jvmBinders.join(); // at once after the first time
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    StateGauges g = gauges;
    if (g != null) {
      g.refresh();
    }
    return registry.scrape();
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      if (gc != null) {
        gc.close();
      }
    }
    registry.close();
  }
}
