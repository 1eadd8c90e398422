package dev.postbox.storage.rocksdb;

import dev.postbox.core.tenant.SigningKeys;

/** A tenant's signing keys, current and next. Stateless. */
final class SigningKeysCodec {
  private SigningKeysCodec() {}

  static byte[] encode(SigningKeys k) {
    RecordWriter o = new RecordWriter(80, Codec.V1);
    o.str(k.current());
    o.str(k.next());
    return o.bytes();
  }

  static SigningKeys decode(byte[] b) {
    RecordReader in = new RecordReader(b);
    in.version();
    return new SigningKeys(in.str(), in.str());
  }
}
