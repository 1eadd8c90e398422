package dev.postbox.scheduler.quartz;

import dev.postbox.core.schedule.ScheduleRef;
import dev.postbox.core.schedule.TickTimer;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerContext;
import org.quartz.SchedulerException;

/** The Quartz job: hands every schedule due at the trigger's time to the listener. */
public final class TickJob implements Job {
  static final String LISTENER = "postbox.listener";
  static final String TIMER = "postbox.timer";
  static final String AT = "at";

  @Override
  public void execute(JobExecutionContext context) throws JobExecutionException {
    try {
      SchedulerContext sc = context.getScheduler().getContext();
      TickTimer.Listener listener = (TickTimer.Listener) sc.get(LISTENER);
      QuartzTickTimer timer = (QuartzTickTimer) sc.get(TIMER);
      long at = context.getTrigger().getJobDataMap().getLong(AT);
      for (ScheduleRef ref : timer.takeDue(at)) {
        listener.onTick(ref, at);
      }
    } catch (SchedulerException e) {
      throw new JobExecutionException(e);
    }
  }
}
