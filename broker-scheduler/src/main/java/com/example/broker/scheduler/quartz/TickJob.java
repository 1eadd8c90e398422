package com.example.broker.scheduler.quartz;

import com.example.broker.core.schedule.ScheduleRef;
import com.example.broker.core.schedule.TickTimer;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;

/** The Quartz job of one schedule: hands the due tick to the listener (which does not block). */
public final class TickJob implements Job {
  static final String LISTENER = "postbox.listener";
  static final String AT = "at";

  @Override
  public void execute(JobExecutionContext context) throws JobExecutionException {
    try {
      TickTimer.Listener listener =
          (TickTimer.Listener) context.getScheduler().getContext().get(LISTENER);
      long at = context.getTrigger().getJobDataMap().getLong(AT);
      listener.onTick(
          new ScheduleRef(
              context.getJobDetail().getKey().getGroup(),
              context.getJobDetail().getKey().getName()),
          at);
    } catch (SchedulerException e) {
      throw new JobExecutionException(e);
    }
  }
}
