package dev.postbox.storage.rocksdb;

import dev.postbox.core.message.EndedMessage;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageState;
import java.nio.ByteBuffer;

/**
 * Ended-message records: when and how the message ended, then the message laid out as in its record
 * ({@link MessageLayout}). A body of at least {@link BatchEncoder#BODY_APART_MIN} bytes is not
 * copied: the record points at the body stored apart when the message was published ({@link
 * Codec#V2_BODY_APART}), which expiry keeps while the ended record exists. Stateless.
 */
final class EndedCodec {
  private static final MessageState[] STATES = MessageState.values();

  private EndedCodec() {}

  static byte[] encode(Message m, MessageState state, long endedAt, boolean bodyApart) {
    int body = bodyApart ? 0 : m.body().length;
    RecordWriter o = new RecordWriter(256 + body, bodyApart ? Codec.V2_BODY_APART : Codec.V1);
    o.long_(endedAt);
    o.byte_((byte) state.ordinal());
    MessageLayout.write(o, m, !bodyApart);
    return o.bytes();
  }

  /** When the message of an ended record ended (read without decoding the message). */
  static long endedAt(byte[] b) {
    return ByteBuffer.wrap(b, 1, 8).getLong();
  }

  /** An ended record; with its body stored apart, the message comes back with an empty body. */
  static EndedMessage decode(byte[] b) {
    RecordReader in = new RecordReader(b);
    byte v = in.byte_();
    if (v != Codec.V1 && v != Codec.V2_BODY_APART) {
      throw RecordReader.unknownVersion(v);
    }
    long endedAt = in.long_();
    MessageState state = STATES[in.byte_()];
    return new EndedMessage(MessageLayout.read(in), state, endedAt);
  }
}
