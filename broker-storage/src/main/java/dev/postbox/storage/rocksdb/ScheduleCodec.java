package dev.postbox.storage.rocksdb;

import dev.postbox.core.message.Message;
import dev.postbox.core.schedule.Schedule;
import java.util.List;

/** Schedules, with their message template. Stateless. */
final class ScheduleCodec {
  private ScheduleCodec() {}

  static byte[] encode(Schedule s) {
    RecordWriter o = new RecordWriter(256 + s.template().body().length, Codec.V1);
    o.str(s.tenant());
    o.str(s.id());
    o.str(s.cron());
    o.long_(s.delayMillis());
    o.long_(s.createdAt());
    o.bool(s.paused());
    o.long_(s.lastScheduleTime());
    o.long_(s.nextScheduleTime());
    o.strings(s.lastMessageIds());
    MessageLayout.write(o, s.template(), true);
    return o.bytes();
  }

  static Schedule decode(byte[] b) {
    RecordReader in = new RecordReader(b);
    in.version();
    String tenant = in.str();
    String id = in.str();
    String cron = in.str();
    long delay = in.long_();
    long createdAt = in.long_();
    boolean paused = in.bool();
    long last = in.long_();
    long next = in.long_();
    List<String> ids = in.strings();
    Message t = MessageLayout.read(in);
    return new Schedule(tenant, id, cron, t, delay, createdAt, paused, last, next, ids);
  }
}
