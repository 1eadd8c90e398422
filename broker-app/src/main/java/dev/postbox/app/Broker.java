package dev.postbox.app;

import dev.postbox.core.delivery.Deliverer;
import dev.postbox.core.delivery.Dispatcher;
import dev.postbox.core.delivery.OutgoingRequests;
import dev.postbox.core.delivery.RecordOutcome;
import dev.postbox.core.delivery.RetryPolicy;
import dev.postbox.core.dlq.DlqService;
import dev.postbox.core.flow.FlowControlService;
import dev.postbox.core.group.UrlGroupService;
import dev.postbox.core.keys.KeyService;
import dev.postbox.core.message.Ids;
import dev.postbox.core.message.KeepEnded;
import dev.postbox.core.message.MessageService;
import dev.postbox.core.metrics.BrokerMetrics;
import dev.postbox.core.publish.Deduplication;
import dev.postbox.core.publish.PublishLimits;
import dev.postbox.core.publish.PublishService;
import dev.postbox.core.queue.QueueService;
import dev.postbox.core.redis.RedisCommands;
import dev.postbox.core.redis.RedisGateway;
import dev.postbox.core.schedule.ScheduleService;
import dev.postbox.core.store.ExpireRetention;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.StorageQuota;
import dev.postbox.core.tenant.DevTenants;
import dev.postbox.core.tenant.SigningKeys;
import dev.postbox.core.tenant.Tenant;
import dev.postbox.core.tenant.Tenants;
import dev.postbox.core.testmode.TenantReset;
import dev.postbox.core.time.Clock;
import dev.postbox.core.workflow.TriggerService;
import dev.postbox.core.workflow.WaitService;
import dev.postbox.core.workflow.WaitTimer;
import dev.postbox.core.workflow.WorkflowDlqService;
import dev.postbox.core.workflow.WorkflowService;
import dev.postbox.core.workflow.Workflows;
import dev.postbox.http.api.BatchEndpoint;
import dev.postbox.http.api.BrokerApi;
import dev.postbox.http.api.ConsoleRoutes;
import dev.postbox.http.api.DlqEndpoints;
import dev.postbox.http.api.FlowControlEndpoints;
import dev.postbox.http.api.KeyEndpoints;
import dev.postbox.http.api.LogEndpoints;
import dev.postbox.http.api.MessageEndpoints;
import dev.postbox.http.api.OpsRoutes;
import dev.postbox.http.api.PublishEndpoint;
import dev.postbox.http.api.QueueEndpoints;
import dev.postbox.http.api.RedisRoutes;
import dev.postbox.http.api.Routes;
import dev.postbox.http.api.ScheduleEndpoints;
import dev.postbox.http.api.TriggerEndpoints;
import dev.postbox.http.api.UrlGroupEndpoints;
import dev.postbox.http.api.WaitEndpoints;
import dev.postbox.http.api.WorkflowDlqEndpoints;
import dev.postbox.http.api.WorkflowEndpoints;
import dev.postbox.http.api.json.JsonViews;
import dev.postbox.http.client.JcaRequestSigner;
import dev.postbox.http.client.JdkHttpDeliverer;
import dev.postbox.http.client.NettyHttpDeliverer;
import dev.postbox.http.server.ApiRouter;
import dev.postbox.http.server.NettyHttpServer;
import dev.postbox.http.server.ServerLimits;
import dev.postbox.redis.lettuce.LettuceRedisGateway;
import dev.postbox.scheduler.quartz.QuartzCronCompiler;
import dev.postbox.scheduler.quartz.QuartzTickTimer;
import dev.postbox.storage.rocksdb.RocksDbMessageStore;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running broker: the one place that wires the store, dispatcher, deliverer and HTTP server
 * together. {@link #close()} shuts down gracefully: readiness goes down and API calls are refused
 * (503), in-flight deliveries finish (or are left marked for re-queueing), the server stops
 * listening, then RocksDB closes cleanly.
 */
public final class Broker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

  /** Tenant id of the production tenant configured with --token. */
  public static final String PRODUCTION_TENANT = "main";

  /** Threads that run API requests which wait on storage, off the event loops. */
  private static final int API_THREADS = 4;

  /** Quartz's threads, which only hand due ticks to {@link #SCHEDULE_THREADS}. */
  private static final int TICK_TIMER_THREADS = 2;

  /** Threads that turn a schedule tick into a published message. */
  private static final int SCHEDULE_THREADS = 2;

  /** How many due entries one dispatcher pass reads from the due index. */
  private static final int DISPATCH_SCAN_LIMIT = 1000;

  /** Longest the dispatcher sleeps when nothing wakes it (a safety net; publishes wake it). */
  private static final long DISPATCH_MAX_IDLE_MILLIS = 1000;

  /** The first retention pass runs this long after start, then every {@link #RETENTION_EVERY}. */
  private static final Duration RETENTION_FIRST = Duration.ofSeconds(10);

  private static final Duration RETENTION_EVERY = Duration.ofMinutes(1);

  /** How often the storage quota re-reads the store's size. */
  private static final Duration QUOTA_REFRESH_EVERY = Duration.ofSeconds(1);

  private final BrokerConfig config;
  private final MessageStore store;
  private final Deliverer deliverer;
  private final Dispatcher dispatcher;
  private final ExecutorService blockingPool;
  private final ScheduledExecutorService housekeeping;
  private final WaitTimer waitTimeouts;
  private final NettyHttpServer server;
  private final Tenants tenants;
  private final KeyService keys;
  private final QuartzTickTimer tickTimer;
  private final ExecutorService scheduleExecutor;
  private final ExecutorService queueExecutor;
  private final ScheduleService schedules;
  private final Operations operations;
  private final RedisGateway redis; // null: the Redis REST API is off

  private Broker(BrokerConfig config) throws InterruptedException {
    this.config = config;
    TestMode testMode = new TestMode(config.testing().on());
    Clock clock = testMode.clock();
    // The port first: a server that cannot listen fails before it touches the data directory
    // (which opening the store creates, with a copy of RocksDB's native library in it). Until
    // serve() below, the port answers 503 "starting" (but 200 on /health: the process is up).
    this.server =
        NettyHttpServer.bind(
            config.host(),
            config.port(),
            new ServerLimits(config.maxBodyBytes(), config.requestTimeout(), config.idleTimeout()),
            OpsRoutes.whileStarting());
    // What was started so far, closed in reverse order if a later step fails (a locked data
    // directory): their threads would otherwise keep the process alive after the failure.
    ArrayDeque<AutoCloseable> opened = new ArrayDeque<>();
    opened.push(server);
    boolean started = false;
    try {
      this.operations = new Operations();
      opened.push(operations);
      BrokerMetrics metrics = operations.metrics();
      // The store opens on a thread of its own while this one makes what does not need it.
      StartStep<RocksDbMessageStore> opening =
          StartStep.start(
              "postbox-open-store",
              () -> RocksDbMessageStore.open(config.dataDir(), config.syncWindow(), metrics));
      opened.push(opening::closeIfMade);
      this.deliverer =
          config.deliverer().equals("jdk")
              ? new JdkHttpDeliverer(config.maxBodyBytes())
              : new NettyHttpDeliverer(config.maxBodyBytes(), config.destinations());
      opened.push(deliverer);
      JsonViews views = new JsonViews();
      this.tickTimer = new QuartzTickTimer(TICK_TIMER_THREADS);
      opened.push(tickTimer);
      RocksDbMessageStore rocks = opening.join();
      this.store = rocks;
      this.tenants = ConfiguredTenants.from(config, store);
      this.keys = new KeyService(store, tenants);
      Workflows workflowRuns = new Workflows(store);
      OutgoingRequests requests =
          new OutgoingRequests(
              new JcaRequestSigner(),
              keys,
              config.deliveryTimeout().toMillis(),
              workflowRuns.deliveries());
      this.queueExecutor = Executors.newSingleThreadExecutor(named("postbox-queues"));
      opened.push(queueExecutor::shutdownNow);
      KeepEnded keepEnded = new KeepEnded(config.keepEnded());
      QueueService queues = new QueueService(store, clock, queueExecutor, config.maxQueues());
      FlowControlService flow = new FlowControlService(store, clock);
      this.dispatcher =
          new Dispatcher(
              store,
              deliverer,
              requests,
              new RecordOutcome(new RetryPolicy(), new Ids(), keepEnded, workflowRuns.deliveries()),
              queues,
              flow,
              clock,
              new Dispatcher.Options(
                  config.maxInFlight(),
                  config.maxInFlightPerHost(),
                  DISPATCH_SCAN_LIMIT,
                  DISPATCH_MAX_IDLE_MILLIS,
                  config.sendThreads(),
                  config.deliveryLagLimit().toNanos()),
              metrics);
      queues.bind(dispatcher::notifyDue);
      flow.bind(dispatcher::wakeUp);
      dispatcher.recover();
      queues.recover();
      StorageQuota quota = new StorageQuota(store, config.maxStorageBytes(), clock);
      PublishService publish = new PublishService(store, dispatcher, queues, flow, quota, metrics);
      PublishLimits limits =
          PublishLimits.defaults()
              .withMaxRetries(config.maxRetries())
              .withDestinations(config.destinations());
      operations.watch(rocks, dispatcher, queues, tickTimer);
      this.scheduleExecutor =
          Executors.newFixedThreadPool(SCHEDULE_THREADS, named("postbox-schedules"));
      opened.push(scheduleExecutor::shutdownNow);
      this.schedules =
          new ScheduleService(
              store,
              publish,
              new QuartzCronCompiler(),
              testMode.ticks(new CountingTickTimer(tickTimer, metrics)),
              clock,
              config.cronSeconds(),
              scheduleExecutor,
              config.maxSchedules());
      UrlGroupService groups = new UrlGroupService(store, clock, limits);
      ScheduleEndpoints scheduleEndpoints =
          new ScheduleEndpoints(schedules, groups, views, limits, clock);
      Deduplication dedup =
          new Deduplication(store, publish, clock, config.dedupWindow().toMillis());
      this.blockingPool = Executors.newFixedThreadPool(API_THREADS, named("postbox-api"));
      opened.push(blockingPool::shutdownNow);
      WorkflowService workflows =
          new WorkflowService(workflowRuns, publish, dispatcher, clock, blockingPool);
      DlqService dlq = new DlqService(store, dispatcher, queues, flow, clock, quota);
      WaitService waits = new WaitService(workflowRuns, publish, limits, clock);
      waits.recover();
      Routes routes =
          BrokerApi.routes(
              tenants,
              new PublishEndpoint(
                  dedup, limits, clock, scheduleEndpoints, groups, workflows, blockingPool),
              new MessageEndpoints(new MessageService(store, dispatcher, clock, keepEnded), views),
              new LogEndpoints(store, views),
              new DlqEndpoints(dlq, views, limits, clock, workflowRuns.failureCalls()),
              new KeyEndpoints(keys),
              scheduleEndpoints,
              new UrlGroupEndpoints(groups),
              new QueueEndpoints(queues),
              new FlowControlEndpoints(flow, dispatcher),
              new BatchEndpoint(dedup, groups, limits, clock, workflows),
              new WorkflowEndpoints(workflows),
              new WorkflowDlqEndpoints(
                  new WorkflowDlqService(workflowRuns, dlq, clock), views, limits, clock),
              new TriggerEndpoints(new TriggerService(workflowRuns, publish), limits, clock),
              new WaitEndpoints(waits, tenants));
      testMode.mount(
          routes,
          tenants,
          new TenantReset.Services(store, dispatcher, schedules, queues, groups, flow, workflows));
      List<Tenant> devUsers = config.devMode() ? DevTenants.ALL : List.of();
      ApiRouter api = routes;
      this.redis = config.redisUrl() == null ? null : LettuceRedisGateway.open(config.redisUrl());
      if (redis != null) { // connects on first use: Redis may be down, the broker starts anyway
        opened.push(redis);
        api = new RedisRoutes(routes, new RedisCommands(redis), config.redisToken());
      }
      // the operator's routes in front: while the broker drains they refuse both APIs
      ApiRouter front = operations.routes(routes, api, config.metricsAuth());
      server.serve(
          new ConsoleRoutes(front, routes, devUsers, schedules::nextFireTimes, waits::waitersOfRun),
          blockingPool);
      dispatcher.start();
      opened.push(() -> dispatcher.stop(0));
      schedules.recover();
      schedules.start();
      this.waitTimeouts = WaitTimer.start(waits, Duration.ofMillis(250)); // deadline checks
      opened.push(waitTimeouts);
      this.housekeeping = Executors.newSingleThreadScheduledExecutor(named("postbox-housekeeping"));
      opened.push(housekeeping::shutdownNow);
      ExpireRetention retention =
          new ExpireRetention(
              store, tenants.all(), clock, config.logRetention(), config.dlqRetention(), keepEnded);
      Runnable expire =
          () -> {
            try {
              retention.run();
            } catch (RuntimeException e) {
              LOG.warn("retention pass failed", e);
            }
          };
      testMode.afterAdvance(() -> housekeeping.execute(expire));
      housekeeping.scheduleWithFixedDelay(
          expire, RETENTION_FIRST.toMillis(), RETENTION_EVERY.toMillis(), TimeUnit.MILLISECONDS);
      housekeeping.scheduleWithFixedDelay(
          () -> {
            try {
              quota.refresh();
            } catch (RuntimeException e) {
              LOG.warn("storage quota check failed", e);
            }
          },
          0,
          QUOTA_REFRESH_EVERY.toMillis(),
          TimeUnit.MILLISECONDS);
      started = true;
    } finally {
      if (!started) {
        closeAll(opened);
      }
    }
  }

  public static Broker start(BrokerConfig config) throws InterruptedException {
    return new Broker(config);
  }

  public int port() {
    return server.port();
  }

  public BrokerConfig config() {
    return config;
  }

  /** The tenant apps use by default: dev user 1, or the production tenant. */
  public Tenant defaultTenant() {
    return tenants.all().get(0);
  }

  public SigningKeys signingKeys(Tenant t) {
    return keys.keys(t);
  }

  /**
   * Shuts down: readiness goes down first (503) and API calls are refused from then on, while
   * in-flight deliveries get their grace; only then does the server stop listening.
   */
  @Override
  public void close() {
    LOG.info("shutting down");
    operations.drain();
    tickTimer.close();
    waitTimeouts.close();
    scheduleExecutor.shutdown();
    try {
      scheduleExecutor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dispatcher.stop(config.shutdownGrace().toMillis());
    server.close();
    if (redis != null) {
      redis.close();
    }
    queueExecutor.shutdown();
    try {
      queueExecutor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    housekeeping.shutdownNow();
    blockingPool.shutdown();
    try {
      blockingPool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deliverer.close();
    store.close();
    operations.close();
    LOG.info("stopped");
  }

  private static void closeAll(ArrayDeque<AutoCloseable> opened) {
    for (AutoCloseable c : opened) { // pushed last, closed first
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("while stopping after a failed start", e);
      }
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
