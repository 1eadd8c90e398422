package dev.postbox.storage.rocksdb;

import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageState;

/**
 * Compact binary encoding of stored records; this class holds the two that carry a message whose
 * body may be stored apart, message records and log entries, and the version bytes every record
 * uses. Every value starts with a version byte, so later versions can still read what earlier ones
 * wrote. Nullable fields carry a presence flag. The other records have their own codecs ({@link
 * DlqCodec}, {@link ScheduleCodec}, {@link QueueCodec}, ...), all written with {@link RecordWriter}
 * and read with {@link RecordReader}. Stateless and thread-safe.
 */
final class Codec {
  static final byte V1 = 1;

  /**
   * A message record or log entry whose message body is not in it but stored once, apart, under
   * {@link Keys#body}; otherwise laid out as {@link #V1} with an empty body.
   */
  static final byte V2_BODY_APART = 2;

  private static final MessageState[] STATES = MessageState.values();

  private Codec() {}

  static byte[] message(Message m) {
    RecordWriter o = new RecordWriter(256 + m.body().length, V1);
    MessageLayout.write(o, m, true);
    return o.bytes();
  }

  /** A message record without its body, which is stored apart (read it back with the record). */
  static byte[] messageBodyApart(Message m) {
    RecordWriter o = new RecordWriter(256, V2_BODY_APART);
    MessageLayout.write(o, m, false);
    return o.bytes();
  }

  /** Whether a message record or log entry has its message body stored apart. */
  static boolean bodyApart(byte[] record) {
    return record.length > 0 && record[0] == V2_BODY_APART;
  }

  /** A message record; with its body stored apart, the message comes back with an empty body. */
  static Message message(byte[] b) {
    RecordReader in = new RecordReader(b);
    messageVersion(in);
    return MessageLayout.read(in);
  }

  static byte[] log(LogEntry e) {
    return log(e, false);
  }

  /** A log entry; {@code bodyApart}: its message body is stored apart and left out here. */
  static byte[] log(LogEntry e, boolean bodyApart) {
    int body = bodyApart ? 0 : e.message().body().length;
    RecordWriter o =
        new RecordWriter(192 + body + e.responseBody().length, bodyApart ? V2_BODY_APART : V1);
    o.long_(e.time());
    o.byte_((byte) e.state().ordinal());
    MessageLayout.write(o, e.message(), !bodyApart);
    o.str(e.error());
    o.long_(e.nextDeliveryTime());
    o.int_(e.responseStatus());
    o.headers(e.responseHeaders());
    o.bytes(e.responseBody());
    return o.bytes();
  }

  static LogEntry log(byte[] b) {
    RecordReader in = new RecordReader(b);
    messageVersion(in);
    long time = in.long_();
    MessageState state = STATES[in.byte_()];
    Message m = MessageLayout.read(in);
    return new LogEntry(time, state, m, in.str(), in.long_(), in.int_(), in.headers(), in.bytes());
  }

  /** The message id of a log entry, read without decoding the rest. */
  static String logMessageId(byte[] b) {
    RecordReader in = new RecordReader(b);
    messageVersion(in);
    in.long_(); // time
    in.byte_(); // state
    in.str(); // tenant (MessageLayout writes it, then the id)
    return in.str();
  }

  /** Message records and log entries: {@link #V1}, or {@link #V2_BODY_APART}. */
  private static void messageVersion(RecordReader in) {
    byte v = in.byte_();
    if (v != V1 && v != V2_BODY_APART) {
      throw RecordReader.unknownVersion(v);
    }
  }
}
