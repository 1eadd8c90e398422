package dev.postbox.storage.rocksdb;

import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.Message;

/** DLQ entries: the id, the message with its body, and the last failure. Stateless. */
final class DlqCodec {
  private DlqCodec() {}

  static byte[] encode(DlqEntry e) {
    RecordWriter o =
        new RecordWriter(256 + e.message().body().length + e.responseBody().length, Codec.V1);
    o.str(e.dlqId());
    MessageLayout.write(o, e.message(), true);
    o.long_(e.failedAt());
    o.int_(e.responseStatus());
    o.headers(e.responseHeaders());
    o.bytes(e.responseBody());
    o.str(e.error());
    return o.bytes();
  }

  static DlqEntry decode(byte[] b) {
    RecordReader in = new RecordReader(b);
    in.version();
    String id = in.str();
    Message m = MessageLayout.read(in);
    return new DlqEntry(id, m, in.long_(), in.int_(), in.headers(), in.bytes(), in.str());
  }
}
