package dev.postbox.storage.rocksdb;

import static dev.postbox.storage.rocksdb.RocksDbReader.check;
import static dev.postbox.storage.rocksdb.RocksDbReader.seekPast;

import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.error.StorageException;
import dev.postbox.core.message.EndedMessage;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageRef;
import dev.postbox.core.store.DueRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/**
 * Reads of message records and ended-message records (with bodies stored apart), the due index and
 * in-flight marks.
 */
final class MessageReads {
  private final RocksDbReader reader;
  private final RocksDbStorage storage;

  MessageReads(RocksDbReader reader) {
    this.reader = reader;
    this.storage = reader.storage;
  }

  Optional<Message> findMessage(MessageRef ref) {
    byte[] v = reader.get(storage.messages, Keys.message(ref.tenant(), ref.id()));
    return v == null ? Optional.empty() : withBody(Codec.message(v), v);
  }

  /**
   * An ended record, with its body when that is stored apart; empty when there is none, or when the
   * body has gone (an ended record written by this version for a message an older version had
   * stored with its body inline, and never rewrote).
   */
  Optional<EndedMessage> findEnded(MessageRef ref) {
    byte[] v = reader.get(storage.ended, Keys.message(ref.tenant(), ref.id()));
    if (v == null) {
      return Optional.empty();
    }
    EndedMessage e = EndedCodec.decode(v);
    if (!Codec.bodyApart(v)) {
      return Optional.of(e);
    }
    Message m = e.message();
    byte[] body = reader.get(storage.bodies, Keys.body(m.tenant(), m.createdAt(), m.id()));
    if (body == null) {
      return Optional.empty();
    }
    return Optional.of(
        new EndedMessage(m.toBuilder().withBody(body).build(), e.state(), e.endedAt()));
  }

  /**
   * A message read from its record, with its body when that is stored apart; empty when the message
   * was finished (and its body expired) between the two reads.
   */
  private Optional<Message> withBody(Message m, byte[] record) {
    if (!Codec.bodyApart(record)) {
      return Optional.of(m);
    }
    byte[] body = reader.get(storage.bodies, Keys.body(m.tenant(), m.createdAt(), m.id()));
    if (body != null) {
      return Optional.of(m.toBuilder().withBody(body).build());
    }
    if (reader.get(storage.messages, Keys.message(m.tenant(), m.id())) == null) {
      return Optional.empty();
    }
    throw new StorageException(
        ErrorCode.STORAGE_UNAVAILABLE, "corrupt store: the body of message " + m.id() + " is gone");
  }

  List<DueRef> scanDue(DueRef after, long to, int limit) {
    try (RocksIterator it = storage.db.newIterator(storage.due)) {
      seekAfter(it, after);
      return scanDue(it, to, limit);
    }
  }

  List<DueRef> scanDueFrom(DueRef from, long to, int limit) {
    try (RocksIterator it = storage.db.newIterator(storage.due)) {
      it.seek(Keys.due(from.dueAt(), from.ref())); // the first key at or after it
      return scanDue(it, to, limit);
    }
  }

  private static List<DueRef> scanDue(RocksIterator it, long to, int limit) {
    List<DueRef> out = new ArrayList<>();
    for (; it.isValid() && out.size() < limit; it.next()) {
      DueRef d = Keys.parseDue(it.key(), it.value());
      if (d.dueAt() > to) {
        break;
      }
      out.add(d);
    }
    check(it);
    return out;
  }

  Optional<DueRef> firstDue(DueRef after) {
    try (RocksIterator it = storage.db.newIterator(storage.due)) {
      seekAfter(it, after);
      if (it.isValid()) {
        return Optional.of(Keys.parseDue(it.key()));
      }
      check(it);
      return Optional.empty();
    }
  }

  /** Positions the iterator on the first due entry strictly after {@code after}. */
  private static void seekAfter(RocksIterator it, DueRef after) {
    if (after == null) {
      it.seekToFirst();
      return;
    }
    seekPast(it, Keys.due(after.dueAt(), after.ref()));
  }

  List<MessageRef> inFlight() {
    List<MessageRef> out = new ArrayList<>();
    try (RocksIterator it = storage.db.newIterator(storage.inflight)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(Keys.parseMessage(it.key()));
      }
      check(it);
    }
    return out;
  }

  List<Message> scanMessages(String tenant, String afterId, int limit, Predicate<Message> filter) {
    byte[] prefix = Keys.tenantPrefix(tenant);
    List<Message> out = new ArrayList<>();
    try (Slice upper = new Slice(Keys.upperBound(prefix));
        ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
        RocksIterator it = storage.db.newIterator(storage.messages, ro)) {
      if (afterId == null) {
        it.seek(prefix);
      } else {
        seekPast(it, Keys.message(tenant, afterId));
      }
      for (; it.isValid() && out.size() < limit; it.next()) {
        byte[] v = it.value();
        Optional<Message> m = withBody(Codec.message(v), v);
        if (m.isPresent() && filter.test(m.get())) {
          out.add(m.get());
        }
      }
      check(it);
    }
    return out;
  }
}
