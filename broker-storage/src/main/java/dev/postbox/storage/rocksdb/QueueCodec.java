package dev.postbox.storage.rocksdb;

import dev.postbox.core.queue.Queue;
import java.util.Map;

/**
 * Queues and what they hold: waiting-list entries, members (which queue a message waits in) and
 * slot holders. Stateless.
 */
final class QueueCodec {
  private QueueCodec() {}

  static byte[] queue(Queue q) {
    RecordWriter o = new RecordWriter(64, Codec.V1);
    o.str(q.tenant());
    o.str(q.name());
    o.long_(q.createdAt());
    o.long_(q.updatedAt());
    o.int_(q.parallelism());
    o.bool(q.paused());
    return o.bytes();
  }

  static Queue queue(byte[] b) {
    RecordReader in = new RecordReader(b);
    in.version();
    return new Queue(in.str(), in.str(), in.long_(), in.long_(), in.int_(), in.bool());
  }

  /** A waiting-list value: the message and when it is due. */
  static byte[] waiting(String messageId, long dueAt) {
    return strLong(messageId, dueAt);
  }

  /** A member value: the queue a message waits in and its place there. */
  static byte[] member(String queue, long seq) {
    return strLong(queue, seq);
  }

  private static byte[] strLong(String s, long v) {
    RecordWriter o = new RecordWriter(48, Codec.V1);
    o.str(s);
    o.long_(v);
    return o.bytes();
  }

  /** Reads a string then a long, as {@link #waiting} and {@link #member} write them. */
  static Map.Entry<String, Long> strLong(byte[] b) {
    RecordReader in = new RecordReader(b);
    in.version();
    return Map.entry(in.str(), in.long_());
  }

  /** A slot value: the holder's token. */
  static byte[] slot(String token) {
    RecordWriter o = new RecordWriter(32, Codec.V1);
    o.str(token);
    return o.bytes();
  }

  static String slot(byte[] b) {
    RecordReader in = new RecordReader(b);
    in.version();
    return in.str();
  }
}
