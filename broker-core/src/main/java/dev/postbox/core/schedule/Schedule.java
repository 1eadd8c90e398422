package dev.postbox.core.schedule;

import dev.postbox.core.message.Message;
import java.util.List;

/**
 * A stored schedule (docs/api.md#schedules): a cron expression and the message every tick produces.
 *
 * @param tenant owning tenant id
 * @param id schedule id ({@code scd_...} or chosen by the caller)
 * @param cron the cron expression as stored (trimmed)
 * @param template the message a tick produces, less its id and times; its id is the schedule id
 * @param delayMillis delay of each produced message after its tick
 * @param createdAt creation time, epoch ms
 * @param paused ticks are skipped (the next fire time keeps advancing)
 * @param lastScheduleTime when the last tick produced messages, epoch ms, 0 for never
 * @param nextScheduleTime the next tick, epoch ms ({@link Cron#NEVER} when none)
 * @param lastMessageIds the messages the last tick produced
 */
public record Schedule(
    String tenant,
    String id,
    String cron,
    Message template,
    long delayMillis,
    long createdAt,
    boolean paused,
    long lastScheduleTime,
    long nextScheduleTime,
    List<String> lastMessageIds) {

  public Schedule {
    lastMessageIds = lastMessageIds == null ? List.of() : List.copyOf(lastMessageIds);
  }

  public ScheduleRef ref() {
    return new ScheduleRef(tenant, id);
  }

  public Schedule withPaused(boolean p) {
    return new Schedule(
        tenant,
        id,
        cron,
        template,
        delayMillis,
        createdAt,
        p,
        lastScheduleTime,
        nextScheduleTime,
        lastMessageIds);
  }

  public Schedule withNext(long next) {
    return new Schedule(
        tenant,
        id,
        cron,
        template,
        delayMillis,
        createdAt,
        paused,
        lastScheduleTime,
        next,
        lastMessageIds);
  }

  /** After a tick at {@code firedAt} that produced {@code ids}. */
  public Schedule fired(long firedAt, long next, List<String> ids) {
    return new Schedule(
        tenant, id, cron, template, delayMillis, createdAt, paused, firedAt, next, ids);
  }
}
