package dev.postbox.storage.rocksdb;

import dev.postbox.core.group.Endpoint;
import dev.postbox.core.group.UrlGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * URL groups and their endpoints. Stateless.
 *
 * <p>The default headers, added later, trail the record and are written only when there are some: a
 * group without them keeps the bytes it always had, and a record written before they existed
 * decodes as a group without them.
 */
final class GroupCodec {
  private GroupCodec() {}

  static byte[] encode(UrlGroup g) {
    RecordWriter o = new RecordWriter(64 + 64 * g.endpoints().size(), Codec.V1);
    o.str(g.tenant());
    o.str(g.name());
    o.long_(g.createdAt());
    o.long_(g.updatedAt());
    o.int_(g.endpoints().size());
    for (Endpoint e : g.endpoints()) {
      o.str(e.name());
      o.str(e.url());
    }
    if (!g.defaultHeaders().isEmpty()) {
      o.headers(g.defaultHeaders());
    }
    return o.bytes();
  }

  static UrlGroup decode(byte[] b) {
    RecordReader in = new RecordReader(b);
    in.version();
    String tenant = in.str();
    String name = in.str();
    long created = in.long_();
    long updated = in.long_();
    int n = in.int_();
    List<Endpoint> endpoints = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      endpoints.add(new Endpoint(in.str(), in.str()));
    }
    Map<String, List<String>> defaults = in.atEnd() ? Map.of() : in.headers();
    return new UrlGroup(tenant, name, created, updated, endpoints, defaults);
  }
}
