package dev.postbox.scheduler.quartz;

import dev.postbox.core.error.BrokerException;
import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.schedule.ScheduleRef;
import dev.postbox.core.schedule.TickTimer;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.DefaultThreadExecutor;
import org.quartz.impl.DirectSchedulerFactory;
import org.quartz.simpl.RAMJobStore;
import org.quartz.simpl.SimpleThreadPool;

/**
 * The tick timer on a Quartz scheduler with an in-memory job store. Cron schedules fire together
 * (thousands at the top of a minute), and Quartz hands over a few thousand triggers a second at
 * most, so pending ticks are grouped by their fire time: one one-shot Quartz trigger per distinct
 * time, carrying every schedule due then. Nothing here is durable; the broker re-arms every
 * schedule from its store on start. Thread-safe.
 */
public final class QuartzTickTimer implements TickTimer {
  private static final AtomicLong INSTANCES = new AtomicLong();
  private static final JobKey JOB = new JobKey("ticks", "postbox");

  /** The schedules due at one time, and the Quartz trigger that fires them. */
  private static final class Bucket {
    final Set<ScheduleRef> refs = new LinkedHashSet<>();
    final TriggerKey trigger;

    Bucket(TriggerKey trigger) {
      this.trigger = trigger;
    }
  }

  private final Scheduler scheduler;
  private final AtomicLong triggerSeq = new AtomicLong();
  private final Object lock = new Object();
  private final Map<Long, Bucket> buckets = new HashMap<>();
  private final Map<ScheduleRef, Long> armedAt = new HashMap<>();

  /**
   * @param threads Quartz worker threads (each fire only hands off, so few are needed)
   */
  public QuartzTickTimer(int threads) {
    // Made directly rather than by StdSchedulerFactory, which sets the pool's and the store's
    // properties through java.beans' Introspector: about half of Quartz's part of a start
    // (docs/benchmarks.md#startup). The same pieces and settings as those properties gave.
    String name = "postbox-ticks-" + INSTANCES.incrementAndGet();
    SimpleThreadPool pool = new SimpleThreadPool(threads, Thread.NORM_PRIORITY);
    pool.setMakeThreadsDaemons(true);
    try {
      DirectSchedulerFactory factory = DirectSchedulerFactory.getInstance();
      factory.createScheduler(
          name,
          "NON_CLUSTERED",
          pool,
          new DefaultThreadExecutor(),
          new RAMJobStore(),
          null, // no plugins
          null, // no RMI
          0,
          -1, // the default idle wait
          -1, // no database to retry
          false, // no JMX
          null,
          1, // one trigger per acquisition, as StdSchedulerFactory's default
          0,
          true); // a daemon scheduler thread
      scheduler = factory.getScheduler(name);
      JobDetail job = JobBuilder.newJob(TickJob.class).withIdentity(JOB).storeDurably().build();
      scheduler.addJob(job, true);
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot create the Quartz scheduler", e);
    }
  }

  @Override
  public void start(Listener listener) {
    try {
      scheduler.getContext().put(TickJob.TIMER, this);
      scheduler.getContext().put(TickJob.LISTENER, listener);
      scheduler.start();
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot start the Quartz scheduler", e);
    }
  }

  @Override
  public void arm(ScheduleRef ref, long at) {
    try {
      synchronized (lock) {
        if (scheduler.isShutdown()) {
          return; // closing: the store re-arms every schedule on the next start
        }
        removeLocked(ref);
        Bucket b = buckets.get(at);
        if (b == null) {
          // A fresh key each time: a trigger that just fired is deleted by its key when its
          // execution completes, and must not take a new one for the same time with it.
          TriggerKey key = new TriggerKey("at-" + at + "-" + triggerSeq.incrementAndGet());
          Trigger t =
              TriggerBuilder.newTrigger()
                  .withIdentity(key)
                  .forJob(JOB)
                  .startAt(new Date(at))
                  .usingJobData(TickJob.AT, at)
                  .withSchedule(
                      SimpleScheduleBuilder.simpleSchedule()
                          .withMisfireHandlingInstructionFireNow())
                  .build();
          scheduler.scheduleJob(t);
          b = new Bucket(key);
          buckets.put(at, b);
        }
        b.refs.add(ref);
        armedAt.put(ref, at);
      }
    } catch (SchedulerException e) {
      throw new BrokerException(
          ErrorCode.INTERNAL, "cannot arm schedule " + ref.id() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void disarm(ScheduleRef ref) {
    try {
      synchronized (lock) {
        removeLocked(ref);
      }
    } catch (SchedulerException e) {
      throw new BrokerException(
          ErrorCode.INTERNAL, "cannot disarm schedule " + ref.id() + ": " + e.getMessage(), e);
    }
  }

  private void removeLocked(ScheduleRef ref) throws SchedulerException {
    Long at = armedAt.remove(ref);
    if (at == null) {
      return;
    }
    Bucket b = buckets.get(at);
    if (b != null && b.refs.remove(ref) && b.refs.isEmpty()) {
      buckets.remove(at);
      scheduler.unscheduleJob(b.trigger);
    }
  }

  /** Called by the job when the trigger for {@code at} fires: the schedules due then. */
  List<ScheduleRef> takeDue(long at) {
    synchronized (lock) {
      Bucket b = buckets.remove(at);
      if (b == null) {
        return List.of();
      }
      for (ScheduleRef ref : b.refs) {
        armedAt.remove(ref);
      }
      return List.copyOf(b.refs);
    }
  }

  /** Whether the timer is started and not shut down: ticks fire (for readiness). */
  public boolean isRunning() {
    try {
      return scheduler.isStarted() && !scheduler.isShutdown() && !scheduler.isInStandbyMode();
    } catch (SchedulerException e) {
      return false;
    }
  }

  /** Schedules with a pending tick (for tests and diagnostics). */
  public int pending() {
    synchronized (lock) {
      return armedAt.size();
    }
  }

  /** Quartz triggers pending: one per distinct fire time (for tests and diagnostics). */
  public int pendingTriggers() {
    synchronized (lock) {
      return buckets.size();
    }
  }

  @Override
  public void close() {
    try {
      synchronized (lock) {
        scheduler.shutdown(false);
      }
    } catch (SchedulerException e) {
      // closing anyway
    }
  }
}
