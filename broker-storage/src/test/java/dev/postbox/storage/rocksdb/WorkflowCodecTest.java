package dev.postbox.storage.rocksdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postbox.core.message.CallbackSpec;
import dev.postbox.core.message.FlowControl;
import dev.postbox.core.workflow.FailureCall;
import dev.postbox.core.workflow.HistoryEntry;
import dev.postbox.core.workflow.Invoker;
import dev.postbox.core.workflow.RunConfig;
import dev.postbox.core.workflow.RunEnd;
import dev.postbox.core.workflow.WorkflowRun;
import dev.postbox.core.workflow.WorkflowState;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Workflow records keep their bytes: a change to the layout fails here first (bump the version byte
 * and keep reading the old one instead).
 */
class WorkflowCodecTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void runStartRecord() {
    WorkflowRun r =
        new WorkflowRun(
            "t",
            "r",
            "u",
            1,
            "m",
            2,
            true,
            new RunConfig(
                3,
                null,
                new FlowControl("k", 4, null, 1),
                new CallbackSpec("f", "POST", 0, null, null, 0, Map.of()),
                Map.of("H", List.of("v")),
                "l"),
            null);
    String hex =
        "010000000174000000017200000001750000000000000001000000016d000000020100000003ffffffff"
            + "01000000016b01000000040000000000000000010100000001660000000450"
            + "4f5354000000000000000000ffffffff00000000000000000000000000000001000000014800000001"
            + "0000000176000000016c";
    byte[] encoded = WorkflowCodec.run(r);
    assertEquals(hex, HEX.formatHex(encoded));
    assertEquals(r, WorkflowCodec.run(HEX.parseHex(hex)));
  }

  @Test
  void runStartRecordExtensionsFollowTheFirstLayoutAndUnknownOnesAreSkipped() {
    WorkflowRun plain =
        new WorkflowRun(
            "t",
            "r",
            "u",
            1,
            "m",
            0,
            false,
            new RunConfig(3, null, null, null, Map.of(), null),
            null);
    byte[] first = WorkflowCodec.run(plain);
    WorkflowRun extended =
        new WorkflowRun(
            "t",
            "r",
            "u",
            1,
            "m",
            0,
            false,
            plain.config(),
            null,
            new Invoker("p", "pr", 5, Map.of("A", List.of("b")), "{}"),
            true);
    byte[] encoded = WorkflowCodec.run(extended);
    assertEquals(
        HEX.formatHex(first),
        HEX.formatHex(encoded, 0, first.length),
        "the extensions come after the first layout");
    String tail =
        "01"
            + "0000002c"
            + "010000000170000000027072"
            + "0000000000000005"
            + "000000010000000141000000010000000162000000027b7d"
            + "02"
            + "00000000";
    assertEquals(tail, HEX.formatHex(encoded, first.length, encoded.length));
    assertEquals(extended, WorkflowCodec.run(encoded));
    assertEquals(
        extended,
        WorkflowCodec.run(HEX.parseHex(HEX.formatHex(encoded) + "07" + "00000001ff")),
        "a later version's extension is skipped");
    assertEquals(plain, WorkflowCodec.run(first));
  }

  @Test
  void runEndAndHistoryEntry() {
    RunEnd e = new RunEnd(WorkflowState.RUN_SUCCESS, 7, new byte[] {9}, null);
    String endHex = "010100000000000000070000000109ffffffff";
    assertEquals(endHex, HEX.formatHex(WorkflowCodec.end(e)));
    RunEnd back = WorkflowCodec.end(HEX.parseHex(endHex));
    assertEquals(WorkflowState.RUN_SUCCESS, back.state());
    assertArrayEquals(new byte[] {9}, back.response());

    HistoryEntry h = new HistoryEntry("t", "r", 5, "m", new byte[] {1, 2}, "step");
    String hHex = "01000000016d000000047374657000000002" + "0102";
    assertEquals(hHex, HEX.formatHex(WorkflowCodec.history(h)));
    HistoryEntry hb = WorkflowCodec.history("t", "r", 5, HEX.parseHex(hHex));
    assertEquals("m", hb.messageId());
    assertArrayEquals(new byte[] {1, 2}, hb.body());
  }

  @Test
  void aRunEndWithADlqIdAddsItAfterTheFirstLayoutWhichStaysReadable() {
    RunEnd e = new RunEnd(WorkflowState.RUN_FAILED, 7, null, "x", "9-1");
    String hex = "010200000000000000070000000000000001780000000339" + "2d31";
    assertEquals(hex, HEX.formatHex(WorkflowCodec.end(e)));
    assertEquals("9-1", WorkflowCodec.end(HEX.parseHex(hex)).dlqId());
    RunEnd old = WorkflowCodec.end(HEX.parseHex("01020000000000000007000000000000000178"));
    assertEquals("x", old.error());
    assertEquals(null, old.dlqId());
  }

  @Test
  void failureCallRecord() {
    FailureCall c =
        new FailureCall(
            "t",
            "r",
            "1-0",
            "m",
            "u",
            FailureCall.State.CALLBACK_SUCCESS,
            200,
            Map.of(),
            new byte[] {5},
            3);
    FailureCall back = WorkflowCodec.failureCall(WorkflowCodec.failureCall(c));
    assertEquals(c.tenant(), back.tenant());
    assertEquals(c.runId(), back.runId());
    assertEquals(c.dlqId(), back.dlqId());
    assertEquals(c.messageId(), back.messageId());
    assertEquals(c.url(), back.url());
    assertEquals(c.state(), back.state());
    assertEquals(200, back.responseStatus());
    assertArrayEquals(new byte[] {5}, back.responseBody());
    assertEquals(3, back.updatedAt());
  }
}
