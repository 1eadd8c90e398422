package dev.postbox.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postbox.core.flow.FlowKey;
import dev.postbox.core.group.Endpoint;
import dev.postbox.core.group.UrlGroup;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.publish.DedupRecord;
import dev.postbox.core.queue.Queue;
import dev.postbox.core.schedule.Schedule;
import dev.postbox.core.tenant.SigningKeys;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The records other than messages and log entries ({@link CodecFormatTest} has those) keep their
 * bytes: each encodes to what the single codec wrote before it was split by record type, and
 * decodes back to what was written.
 */
class RecordFormatTest {
  private static final HexFormat HEX = HexFormat.of();

  private static final Message MESSAGE =
      Message.builder()
          .withTenant("t1")
          .withId("m1")
          .withUrl("http://h/")
          .withBody(new byte[] {7})
          .build();

  /** {@code encoded} is {@code hex}, and decoding it then encoding again gives it back. */
  private static <T> void pinned(
      String hex, byte[] encoded, Function<byte[], T> decode, Function<T, byte[]> encode) {
    assertEquals(hex, HEX.formatHex(encoded));
    assertEquals(hex, HEX.formatHex(encode.apply(decode.apply(HEX.parseHex(hex)))));
  }

  @Test
  void dlqEntries() {
    DlqEntry e =
        new DlqEntry(
            "1700000000000-5",
            MESSAGE,
            123L,
            500,
            Map.of("A", List.of("b")),
            new byte[] {1, 2},
            "err");
    pinned(
        "010000000f313730303030303030303030302d35000000027431000000026d310000000009687474"
            + "703a2f2f682fffffffffffffffffffffffffffffffff00000004504f535400000000000000010700"
            + "000003ffffffff000000000000000000000000000000000000000000000000ffffffff0000000000"
            + "0000000000000000ffffffff000000000000000000000000ffffffff000000000000007b000001f4"
            + "00000001000000014100000001000000016200000002010200000003657272",
        DlqCodec.encode(e),
        DlqCodec::decode,
        DlqCodec::encode);
  }

  @Test
  void schedules() {
    Schedule s =
        new Schedule(
            "t1", "scd_1", "*/5 * * * *", MESSAGE, 10, 20, true, 30, 40, List.of("x", "y"));
    pinned(
        "01000000027431000000057363645f310000000b2a2f35202a202a202a202a000000000000000a00"
            + "0000000000001401000000000000001e000000000000002800000002000000017800000001790000"
            + "00027431000000026d310000000009687474703a2f2f682fffffffffffffffffffffffffffffffff"
            + "00000004504f535400000000000000010700000003ffffffff000000000000000000000000000000"
            + "000000000000000000ffffffff00000000000000000000000000ffffffff00000000000000000000"
            + "0000ffffffff",
        ScheduleCodec.encode(s),
        ScheduleCodec::decode,
        ScheduleCodec::encode);
  }

  @Test
  void queuesAndWhatTheyHold() {
    pinned(
        "010000000274310000000171000000000000000100000000000000020000000301",
        QueueCodec.queue(new Queue("t1", "q", 1, 2, 3, true)),
        QueueCodec::queue,
        QueueCodec::queue);
    assertEquals("01000000026d310000000000000005", HEX.formatHex(QueueCodec.waiting("m1", 5)));
    assertEquals(
        Map.entry("m1", 5L), QueueCodec.strLong(HEX.parseHex("01000000026d310000000000000005")));
    assertEquals("0100000001710000000000000006", HEX.formatHex(QueueCodec.member("q", 6)));
    assertEquals(
        Map.entry("q", 6L), QueueCodec.strLong(HEX.parseHex("0100000001710000000000000006")));
    pinned("0100000003746f6b", QueueCodec.slot("tok"), QueueCodec::slot, QueueCodec::slot);
  }

  @Test
  void groupsDedupRecordsFlowKeysAndSigningKeys() {
    UrlGroup g =
        new UrlGroup(
            "t1",
            "g",
            1,
            2,
            List.of(new Endpoint("n", "http://a"), new Endpoint(null, "http://b")));
    pinned(
        "0100000002743100000001670000000000000001000000000000000200000002000000016e000000"
            + "08687474703a2f2f61ffffffff00000008687474703a2f2f62",
        GroupCodec.encode(g),
        GroupCodec::decode,
        GroupCodec::encode);
    DedupRecord r = new DedupRecord("t1", "id", 9, List.of(new DedupRecord.Accepted("m1", "u1")));
    pinned(
        "01000000027431000000026964000000000000000900000001000000026d31000000027531",
        DedupCodec.encode(r),
        DedupCodec::decode,
        DedupCodec::encode);
    FlowKey f = new FlowKey("t1", "k", 1, 2, 3, true, false, true);
    pinned(
        "01000000027431000000016b00000001000000020000000000000003010001",
        FlowKeyCodec.encode(f),
        FlowKeyCodec::decode,
        FlowKeyCodec::encode);
    SigningKeys k = new SigningKeys("sig_a", "sig_b");
    pinned(
        "01000000057369675f61000000057369675f62",
        SigningKeysCodec.encode(k),
        SigningKeysCodec::decode,
        SigningKeysCodec::encode);
  }

  /**
   * Default headers trail a group's record: a group with some appends them to the bytes it had
   * without, and a record written before they existed (ending after the endpoints) still decodes,
   * as a group without default headers.
   */
  @Test
  void groupDefaultHeadersTrailTheRecordAndOlderRecordsStillDecode() {
    List<Endpoint> endpoints =
        List.of(new Endpoint("n", "http://a"), new Endpoint(null, "http://b"));
    String withoutDefaults =
        "0100000002743100000001670000000000000001000000000000000200000002000000016e000000"
            + "08687474703a2f2f61ffffffff00000008687474703a2f2f62";
    UrlGroup g = new UrlGroup("t1", "g", 1, 2, endpoints, Map.of("Upstash-Retries", List.of("0")));
    pinned(
        withoutDefaults
            + "00000001"
            + "0000000f557073746173682d52657472696573"
            + "00000001"
            + "0000000130",
        GroupCodec.encode(g),
        GroupCodec::decode,
        GroupCodec::encode);
    assertEquals(g, GroupCodec.decode(GroupCodec.encode(g)));

    UrlGroup old = GroupCodec.decode(HEX.parseHex(withoutDefaults));
    assertEquals(new UrlGroup("t1", "g", 1, 2, endpoints, Map.of()), old);
    assertEquals(withoutDefaults, HEX.formatHex(GroupCodec.encode(old)));
  }
}
