package dev.postbox.storage.rocksdb;

import dev.postbox.core.flow.FlowKey;

/** Flow-control keys and their limits. Stateless. */
final class FlowKeyCodec {
  private FlowKeyCodec() {}

  static byte[] encode(FlowKey k) {
    RecordWriter o = new RecordWriter(64, Codec.V1);
    o.str(k.tenant());
    o.str(k.key());
    o.int_(k.parallelismMax());
    o.int_(k.rateMax());
    o.long_(k.ratePeriodSeconds());
    o.bool(k.pinnedParallelism());
    o.bool(k.pinnedRate());
    o.bool(k.paused());
    return o.bytes();
  }

  static FlowKey decode(byte[] b) {
    RecordReader in = new RecordReader(b);
    in.version();
    return new FlowKey(
        in.str(), in.str(), in.int_(), in.int_(), in.long_(), in.bool(), in.bool(), in.bool());
  }
}
