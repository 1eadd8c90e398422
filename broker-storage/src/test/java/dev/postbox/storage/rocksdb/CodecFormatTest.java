package dev.postbox.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.error.StorageException;
import dev.postbox.core.message.CallbackSpec;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.message.LogEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.message.MessageState;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The on-disk record format does not change by accident: a message and a log entry encode to
 * exactly the bytes the stream-based codec wrote (taken from it before it was replaced), so data
 * directories written by earlier builds still read, and records decode back to what was written.
 */
class CodecFormatTest {
  static Message sample() {
    return Message.builder()
        .withTenant("t1")
        .withId("msg_0001")
        .withUrl("https://example.com/hook?x=1")
        .withQueueName("q")
        .withMethod("PUT")
        .withHeaders(Map.of("Content-Type", List.of("application/json; name=Zoë")))
        .withBody("{\"héllo\":1}".getBytes(StandardCharsets.UTF_8))
        .withMaxRetries(5)
        .withRetryDelayExpression("1000 * pow(2, retried)")
        .withTimeoutMillis(30_000)
        .withCreatedAt(1_700_000_000_000L)
        .withNotBefore(1_700_000_060_000L)
        .withCallerIp("127.0.0.1")
        .withLabels(List.of("a", "b"))
        .withCallback(
            new CallbackSpec(
                "http://cb/", "POST", 1000, 2, null, 0, Map.of("X", List.of("1", "2"))))
        .withFlowControl(new FlowControl("k", 3, null, 1))
        .withRetried(2)
        .withDueAt(1_700_000_060_000L)
        .build();
  }

  static final String MESSAGE_HEX =
      "01000000027431000000086d73675f30303031000000001c68747470733a2f2f6578616d706c652e"
          + "636f6d2f686f6f6b3f783d31ffffffffffffffff0000000171ffffffff0000000350555400000001"
          + "0000000c436f6e74656e742d54797065000000010000001b6170706c69636174696f6e2f6a736f6e"
          + "3b206e616d653d5a6fc3ab0000000c7b2268c3a96c6c6f223a317d00000005000000163130303020"
          + "2a20706f7728322c20726574726965642900000000000075300000018bcfe568000000018bcfe652"
          + "60000000093132372e302e302e310000000200000001610000000162010000000a687474703a2f2f"
          + "63622f00000004504f535400000000000003e80100000002ffffffff000000000000000000000001"
          + "000000015800000002000000013100000001320001000000016b0100000003000000000000000001"
          + "000000000000ffffffff000000020000018bcfe65260ffffffff";
  static final String LOG_HEX =
      "010000018bcfe5687b03000000027431000000086d73675f30303031000000001c68747470733a2f"
          + "2f6578616d706c652e636f6d2f686f6f6b3f783d31ffffffffffffffff0000000171ffffffff0000"
          + "0003505554000000010000000c436f6e74656e742d54797065000000010000001b6170706c696361"
          + "74696f6e2f6a736f6e3b206e616d653d5a6fc3ab0000000c7b2268c3a96c6c6f223a317d00000005"
          + "0000001631303030202a20706f7728322c20726574726965642900000000000075300000018bcfe5"
          + "68000000018bcfe65260000000093132372e302e302e310000000200000001610000000162010000"
          + "000a687474703a2f2f63622f00000004504f535400000000000003e80100000002ffffffff000000"
          + "000000000000000001000000015800000002000000013100000001320001000000016b0100000003"
          + "000000000000000001000000000000ffffffff000000020000018bcfe65260ffffffff0000000462"
          + "6f6f6d0000018bcfe67970000001f7000000010000000b52657472792d4166746572000000010000"
          + "0001370000000462757379";

  static LogEntry sampleLog() {
    return new LogEntry(
        1_700_000_000_123L,
        MessageState.ERROR,
        sample(),
        "boom",
        1_700_000_070_000L,
        503,
        Map.of("Retry-After", List.of("7")),
        "busy".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void recordsKeepTheirBytes() {
    assertEquals(MESSAGE_HEX, HexFormat.of().formatHex(Codec.message(sample())));
    assertEquals(LOG_HEX, HexFormat.of().formatHex(Codec.log(sampleLog())));
  }

  @Test
  void recordsDecodeToWhatWasWritten() {
    Message m = Codec.message(HexFormat.of().parseHex(MESSAGE_HEX));
    assertEquals(MESSAGE_HEX, HexFormat.of().formatHex(Codec.message(m)), "every field read back");
    assertEquals(
        HexFormat.of().formatHex(sample().body()), HexFormat.of().formatHex(m.body()), "body");
    LogEntry e = Codec.log(HexFormat.of().parseHex(LOG_HEX));
    assertEquals(LOG_HEX, HexFormat.of().formatHex(Codec.log(e)));
    assertEquals(503, e.responseStatus());
    assertEquals("busy", new String(e.responseBody(), StandardCharsets.UTF_8));
    assertEquals(sample().url(), e.message().url());
  }

  @Test
  void aBodyStoredApartLeavesTheV1LayoutWithAnEmptyBodyBehindVersion2() {
    Message m = sample();
    byte[] apart = Codec.messageBodyApart(m);
    byte[] inline = Codec.message(m.withoutBody());
    assertEquals(2, apart[0]);
    assertEquals(
        HexFormat.of().formatHex(inline, 1, inline.length),
        HexFormat.of().formatHex(apart, 1, apart.length));
    assertTrue(Codec.bodyApart(apart));
    assertFalse(Codec.bodyApart(Codec.message(m)));
    assertEquals(
        HexFormat.of().formatHex(inline),
        HexFormat.of().formatHex(Codec.message(Codec.message(apart))),
        "every field read back, with an empty body");

    LogEntry e = sampleLog();
    byte[] log = Codec.log(e, true);
    byte[] logInline = Codec.log(e.withMessage(e.message().withoutBody()));
    assertEquals(2, log[0]);
    assertEquals(
        HexFormat.of().formatHex(logInline, 1, logInline.length),
        HexFormat.of().formatHex(log, 1, log.length));
    assertEquals(0, Codec.log(log).message().body().length);
    assertEquals(e.error(), Codec.log(log).error());
  }

  @Test
  void aTruncatedRecordIsAStorageErrorNotAnOverflow() {
    byte[] whole = Codec.message(sample());
    for (int cut : new int[] {1, 5, whole.length / 2, whole.length - 1}) {
      byte[] part = Arrays.copyOf(whole, cut);
      assertThrows(StorageException.class, () -> Codec.message(part), "cut at " + cut);
    }
  }

  @Test
  void aLogEntrysMessageIdIsReadWithoutDecodingTheRest() {
    Message m = sample();
    LogEntry e = LogEntry.of(7, MessageState.RETRY, m, 9);
    assertEquals(m.id(), Codec.logMessageId(Codec.log(e)));
    assertEquals(m.id(), Codec.logMessageId(Codec.log(e, true)));
  }
}
