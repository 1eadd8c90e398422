package dev.postbox.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageState;
import dev.postbox.core.store.Durability;
import dev.postbox.core.store.StoreBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksIterator;

/**
 * Large bodies are written once, apart from the message record and its CREATED log entry, and
 * served from there for as long as either needs them (docs/benchmarks-history.md#item-20).
 */
class BodyApartTest {
  private static final long CREATED = 1_000;

  @TempDir Path dir;
  private RocksDbMessageStore store;

  @BeforeEach
  void open() {
    store = RocksDbMessageStore.open(dir.resolve("db"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static byte[] body(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  private static Message message(String id, byte[] body) {
    return Message.builder()
        .withTenant("t1")
        .withId(id)
        .withUrl("http://127.0.0.1:9/" + id)
        .withBody(body)
        .withCreatedAt(CREATED)
        .withNotBefore(CREATED)
        .withDueAt(CREATED)
        .build();
  }

  private void commit(StoreBatch b) {
    store.commit(b, Durability.SYNC).join();
  }

  private byte[] raw(ColumnFamilyHandle cf, byte[] key) throws Exception {
    return store.storage().db.get(cf, key);
  }

  private List<byte[]> rawValues(ColumnFamilyHandle cf) {
    List<byte[]> out = new ArrayList<>();
    try (RocksIterator it = store.storage().db.newIterator(cf)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(it.value());
      }
    }
    return out;
  }

  private byte[] loggedBody(MessageState state) {
    return store.listLogs("t1", null, 100, true, e -> e.state() == state).items().stream()
        .map(p -> p.item().message().body())
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aLargeBodyIsWrittenOnceAndServedWithTheMessageAndItsCreatedLog() throws Exception {
    byte[] body = body(64 * 1024);
    Message m = message("msg_big", body);
    commit(new StoreBatch().putNewMessage(m));

    List<byte[]> bodies = rawValues(store.storage().bodies);
    assertEquals(1, bodies.size());
    assertArrayEquals(body, bodies.get(0));
    byte[] record = raw(store.storage().messages, Keys.message("t1", "msg_big"));
    assertTrue(record.length < 1024, "the record leaves the body out: " + record.length);
    List<byte[]> logs = rawValues(store.storage().logs);
    assertEquals(1, logs.size());
    assertTrue(logs.get(0).length < 1024, "the log entry leaves it out: " + logs.get(0).length);

    assertArrayEquals(body, store.findMessage(m.ref()).orElseThrow().body());
    assertArrayEquals(body, loggedBody(MessageState.CREATED));
    assertArrayEquals(body, store.scanMessages("t1", null, 10, x -> true).get(0).body());
  }

  @Test
  void aSmallBodyStaysInline() throws Exception {
    byte[] body = body(BatchEncoder.BODY_APART_MIN - 1);
    Message m = message("msg_small", body);
    commit(new StoreBatch().putNewMessage(m));

    assertTrue(rawValues(store.storage().bodies).isEmpty());
    assertFalse(Codec.bodyApart(raw(store.storage().messages, Keys.message("t1", "msg_small"))));
    assertArrayEquals(body, store.findMessage(m.ref()).orElseThrow().body());
    assertArrayEquals(body, loggedBody(MessageState.CREATED));
  }

  @Test
  void aFinishedMessageKeepsItsBodyInTheLogsUntilTheyExpire() {
    byte[] body = body(4096);
    Message m = message("msg_done", body);
    commit(new StoreBatch().putNewMessage(m));
    commit(
        new StoreBatch()
            .finishMessage(m, false)
            .appendLog(LogEntry.of(CREATED + 5, MessageState.DELIVERED, m.withoutBody(), 0)));

    assertTrue(store.findMessage(m.ref()).isEmpty());
    assertArrayEquals(body, loggedBody(MessageState.CREATED));
    store.expireLogs("t1", CREATED); // nothing created before it
    assertArrayEquals(body, loggedBody(MessageState.CREATED));
    assertEquals(1, rawValues(store.storage().bodies).size());

    store.expireLogs("t1", CREATED + 1);
    assertTrue(rawValues(store.storage().bodies).isEmpty());
    assertEquals(1, store.listLogs("t1", null, 10, true, e -> true).items().size());
  }

  @Test
  void aMessagePendingLongerThanTheRetentionKeepsItsBodyUntilItIsFinished() {
    byte[] body = body(2048);
    Message m = message("msg_late", body);
    Message other = message("msg_gone", body(3000));
    commit(new StoreBatch().putNewMessage(m).putNewMessage(other));
    commit(new StoreBatch().finishMessage(other, false));

    store.expireLogs("t1", CREATED + 10_000);
    assertArrayEquals(body, store.findMessage(m.ref()).orElseThrow().body());
    List<byte[]> left = rawValues(store.storage().bodies);
    assertEquals(1, left.size());
    assertArrayEquals(body, left.get(0));

    commit(new StoreBatch().finishMessage(m, false));
    store.expireLogs("t1", CREATED + 10_000);
    assertTrue(rawValues(store.storage().bodies).isEmpty());
  }

  @Test
  void anEndedRecordPointsAtTheBodyStoredApartWhichStaysUntilTheRecordExpires() throws Exception {
    byte[] body = body(4096);
    Message m = message("msg_ended", body);
    commit(new StoreBatch().putNewMessage(m));
    commit(
        new StoreBatch()
            .finishMessage(m, false)
            .putEnded(m, MessageState.DELIVERED, CREATED + 5)
            .appendLog(LogEntry.of(CREATED + 5, MessageState.DELIVERED, m.withoutBody(), 0)));

    byte[] record = raw(store.storage().ended, Keys.message("t1", "msg_ended"));
    assertTrue(Codec.bodyApart(record));
    assertTrue(record.length < 1024, "the ended record leaves the body out: " + record.length);
    assertEquals(1, rawValues(store.storage().bodies).size(), "the body is not written again");

    store.expireLogs("t1", CREATED + 10_000);
    assertArrayEquals(body, store.findEnded(m.ref()).orElseThrow().message().body());
    assertEquals(1, rawValues(store.storage().bodies).size());

    assertEquals(1, store.expireEnded("t1", CREATED + 6));
    assertTrue(rawValues(store.storage().endedExpiry).isEmpty(), "the index range went too");
    store.expireLogs("t1", CREATED + 10_000);
    assertTrue(rawValues(store.storage().bodies).isEmpty());
  }

  @Test
  void aRetryRewritesTheRecordAndKeepsTheBody() {
    byte[] body = body(8192);
    Message m = message("msg_retry", body);
    commit(new StoreBatch().putNewMessage(m));
    Message next = m.toBuilder().withRetried(1).withDueAt(CREATED + 2_000).build();
    commit(
        new StoreBatch()
            .putMessage(next)
            .appendLog(LogEntry.of(CREATED + 10, MessageState.RETRY, next.withoutBody(), 0)));

    Message read = store.findMessage(m.ref()).orElseThrow();
    assertEquals(1, read.retried());
    assertArrayEquals(body, read.body());
    assertEquals(1, rawValues(store.storage().bodies).size());
    assertArrayEquals(body, loggedBody(MessageState.CREATED));
  }

  @Test
  void recordsWrittenWithTheBodyInlineStillRead() throws Exception {
    // As every build before this one wrote them: the body in the record and in the log entry.
    byte[] body = body(5000);
    Message m = message("msg_old", body);
    store
        .storage()
        .db
        .put(store.storage().messages, Keys.message("t1", "msg_old"), Codec.message(m));
    store
        .storage()
        .db
        .put(
            store.storage().logs,
            Keys.timeSeq("t1", CREATED, 1),
            Codec.log(LogEntry.of(CREATED, MessageState.CREATED, m, CREATED)));

    assertArrayEquals(body, store.findMessage(m.ref()).orElseThrow().body());
    assertArrayEquals(body, loggedBody(MessageState.CREATED));

    commit(new StoreBatch().putMessage(m.toBuilder().withRetried(1).build()));
    assertArrayEquals(body, store.findMessage(m.ref()).orElseThrow().body());
    assertArrayEquals(body, loggedBody(MessageState.CREATED));
  }

  @Test
  void bodiesSurviveAReopen() {
    byte[] body = body(100_000);
    Message m = message("msg_reopen", body);
    commit(new StoreBatch().putNewMessage(m));
    store.close();
    store = RocksDbMessageStore.open(dir.resolve("db"));

    assertArrayEquals(body, store.findMessage(m.ref()).orElseThrow().body());
    assertArrayEquals(body, loggedBody(MessageState.CREATED));
    assertTrue(Arrays.equals(body, rawValues(store.storage().bodies).get(0)));
  }
}
