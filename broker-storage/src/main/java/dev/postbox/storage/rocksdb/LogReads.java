package dev.postbox.storage.rocksdb;

import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.store.LogScope;
import dev.postbox.core.store.Page;
import dev.postbox.core.store.Positioned;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/** Reads of the message logs (with bodies stored apart) and of the DLQ. */
final class LogReads {
  private final RocksDbReader reader;
  private final RocksDbStorage storage;
  private final LogIndexReads byMessage;

  LogReads(RocksDbReader reader) {
    this.reader = reader;
    this.storage = reader.storage;
    this.byMessage = new LogIndexReads(reader);
  }

  /**
   * Entries within {@code scope} only: the walk does not leave its range of keys, and with message
   * ids only those messages' entries are read, through the {@link LogIndex}.
   */
  Page<Positioned<LogEntry>> listLogs(
      String tenant,
      String cursor,
      int limit,
      boolean newestFirst,
      LogScope scope,
      Predicate<LogEntry> filter) {
    Set<String> ids = scope.messageIds();
    List<Positioned<LogEntry>> items = new ArrayList<>();
    RocksDbReader.Range range = new RocksDbReader.Range(cursor, scope.fromTime(), scope.toTime());
    RocksDbReader.Decoder<Positioned<LogEntry>> decoder =
        (key, value) -> {
          // No filter looks at the body: a body stored apart is read for matches only, not for
          // every entry walked past.
          LogEntry e = Codec.log(value);
          if (!filter.test(e)) {
            return null;
          }
          return new Positioned<>(
              Keys.position(key), Codec.bodyApart(value) ? withLoggedBody(e) : e);
        };
    String next =
        ids.isEmpty()
            ? reader.page(storage.logs, tenant, range, limit, newestFirst, decoder, items)
            : byMessage.page(tenant, range, ids, limit, newestFirst, decoder, items);
    return new Page<>(items, next);
  }

  /** A log entry whose body is stored apart, with that body (empty if it has expired since). */
  private LogEntry withLoggedBody(LogEntry e) {
    Message m = e.message();
    byte[] body = reader.get(storage.bodies, Keys.body(m.tenant(), m.createdAt(), m.id()));
    return body == null ? e : e.withMessage(m.toBuilder().withBody(body).build());
  }

  Optional<DlqEntry> findDlq(String tenant, String dlqId) {
    byte[] key = Keys.positionKey(tenant, dlqId);
    if (key == null) {
      return Optional.empty();
    }
    byte[] v = reader.get(storage.dlq, key);
    return v == null ? Optional.empty() : Optional.of(DlqCodec.decode(v));
  }

  Page<DlqEntry> listDlq(
      String tenant, String cursor, int limit, boolean newestFirst, Predicate<DlqEntry> filter) {
    List<DlqEntry> items = new ArrayList<>();
    String next =
        reader.page(
            storage.dlq,
            tenant,
            cursor,
            limit,
            newestFirst,
            (key, value) -> {
              DlqEntry e = DlqCodec.decode(value);
              return filter.test(e) ? e : null;
            },
            items);
    return new Page<>(items, next);
  }
}
