package com.example.broker.scheduler.quartz;

import com.example.broker.core.error.BrokerException;
import com.example.broker.core.error.ErrorCode;
import com.example.broker.core.schedule.ScheduleRef;
import com.example.broker.core.schedule.TickTimer;
import java.util.Date;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.quartz.JobBuilder;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

/**
 * The tick timer on a Quartz scheduler with an in-memory job store: one durable job per schedule
 * (group = tenant, name = schedule id) and at most one one-shot trigger for its next tick. Nothing
 * here is durable; the broker re-arms every schedule from its store on start. Thread-safe.
 */
public final class QuartzTickTimer implements TickTimer {
  private static final AtomicLong INSTANCES = new AtomicLong();

  private final Scheduler scheduler;
  private final AtomicLong triggerSeq = new AtomicLong();

  /**
   * @param threads Quartz worker threads (each tick only hands off, so few are needed)
   */
  public QuartzTickTimer(int threads) {
    Properties p = new Properties();
    p.setProperty(
        "org.quartz.scheduler.instanceName", "postbox-ticks-" + INSTANCES.incrementAndGet());
    p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
    p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", "100");
    p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
    p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(threads));
    p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
    p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    try {
      scheduler = new StdSchedulerFactory(p).getScheduler();
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot create the Quartz scheduler", e);
    }
  }

  @Override
  public void start(Listener listener) {
    try {
      scheduler.getContext().put(TickJob.LISTENER, listener);
      scheduler.start();
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot start the Quartz scheduler", e);
    }
  }

  @Override
  public void arm(ScheduleRef ref, long at) {
    JobKey job = new JobKey(ref.id(), ref.tenant());
    // A fresh trigger key each time: a trigger that just fired is deleted by its key when its
    // execution completes, and must not take the next one with it.
    Trigger trigger =
        TriggerBuilder.newTrigger()
            .withIdentity(ref.id() + "@" + triggerSeq.incrementAndGet(), ref.tenant())
            .forJob(job)
            .startAt(new Date(at))
            .usingJobData(TickJob.AT, at)
            .withSchedule(
                SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
            .build();
    try {
      if (!scheduler.checkExists(job)) {
        scheduler.addJob(
            JobBuilder.newJob(TickJob.class).withIdentity(job).storeDurably().build(), true);
      }
      for (Trigger old : scheduler.getTriggersOfJob(job)) {
        scheduler.unscheduleJob(old.getKey());
      }
      scheduler.scheduleJob(trigger);
    } catch (SchedulerException e) {
      throw new BrokerException(
          ErrorCode.INTERNAL, "cannot arm schedule " + ref.id() + ": " + e.getMessage());
    }
  }

  @Override
  public void disarm(ScheduleRef ref) {
    try {
      scheduler.deleteJob(new JobKey(ref.id(), ref.tenant()));
    } catch (SchedulerException e) {
      throw new BrokerException(
          ErrorCode.INTERNAL, "cannot disarm schedule " + ref.id() + ": " + e.getMessage());
    }
  }

  /** Pending triggers (for tests and diagnostics). */
  public int pending() {
    try {
      return scheduler
          .getTriggerKeys(org.quartz.impl.matchers.GroupMatcher.anyTriggerGroup())
          .size();
    } catch (SchedulerException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      scheduler.shutdown(false);
    } catch (SchedulerException e) {
      // closing anyway
    }
  }
}
