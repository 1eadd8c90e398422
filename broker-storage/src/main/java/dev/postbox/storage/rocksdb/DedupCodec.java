package dev.postbox.storage.rocksdb;

import dev.postbox.core.publish.DedupRecord;
import java.util.ArrayList;
import java.util.List;

/** Deduplication records: the window's end and the messages it accepted. Stateless. */
final class DedupCodec {
  private DedupCodec() {}

  static byte[] encode(DedupRecord r) {
    RecordWriter o = new RecordWriter(64 + 64 * r.accepted().size(), Codec.V1);
    o.str(r.tenant());
    o.str(r.id());
    o.long_(r.expiresAt());
    o.int_(r.accepted().size());
    for (DedupRecord.Accepted a : r.accepted()) {
      o.str(a.messageId());
      o.str(a.url());
    }
    return o.bytes();
  }

  static DedupRecord decode(byte[] b) {
    RecordReader in = new RecordReader(b);
    in.version();
    String tenant = in.str();
    String id = in.str();
    long expiresAt = in.long_();
    int n = in.int_();
    List<DedupRecord.Accepted> accepted = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      accepted.add(new DedupRecord.Accepted(in.str(), in.str()));
    }
    return new DedupRecord(tenant, id, expiresAt, accepted);
  }
}
