package dev.postbox.http.api.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.Message;
import dev.postbox.core.workflow.FailureCall;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkflowDlqViewTest {
  @Test
  void anEntryHasTheDlqFieldsAndTheRuns() {
    Message m =
        Message.builder()
            .withTenant("t")
            .withId("msg_1")
            .withUrl("http://app/wf")
            .withHeaders(
                Map.of(
                    "Upstash-Workflow-RunId", List.of("wfr_1"),
                    "Upstash-Workflow-CreatedAt", List.of("1700000000000")))
            .withLabels(List.of("lbl"))
            .build();
    DlqEntry e =
        new DlqEntry(
            "5-0",
            m,
            5,
            489,
            Map.of("Upstash-NonRetryable-Error", List.of("true")),
            "{\"message\":\"boom\"}".getBytes(StandardCharsets.UTF_8),
            null);
    ObjectNode page = WorkflowDlqView.page(new JsonViews(), List.of(e), "6-0");
    assertEquals("6-0", page.get("cursor").asText());
    ObjectNode o = (ObjectNode) page.get("messages").get(0);
    assertEquals("5-0", o.get("dlqId").asText());
    assertEquals("msg_1", o.get("messageId").asText());
    assertEquals("wfr_1", o.get("workflowRunId").asText());
    assertEquals("http://app/wf", o.get("workflowUrl").asText());
    assertEquals(1700000000000L, o.get("workflowCreatedAt").asLong());
    assertEquals(489, o.get("responseStatus").asInt());
    assertEquals("true", o.get("responseHeader").get("Upstash-NonRetryable-Error").get(0).asText());
    assertEquals("{\"message\":\"boom\"}", o.get("responseBody").asText());
    assertEquals("lbl", o.get("label").asText());
  }

  @Test
  void anEntryWhoseMessageMadeAFailureCallbackHasItsState() {
    Message m =
        Message.builder()
            .withTenant("t")
            .withId("msg_1")
            .withUrl("http://app/wf")
            .withHeaders(Map.of("Upstash-Workflow-RunId", List.of("wfr_1")))
            .build();
    DlqEntry e = new DlqEntry("5-0", m, 5, 489, Map.of(), new byte[0], null);
    FailureCall pending =
        new FailureCall(
            "t",
            "wfr_1",
            "5-0",
            "msg_fc",
            "http://app/wf",
            FailureCall.State.CALLBACK_INPROGRESS,
            0,
            null,
            null,
            6);
    ObjectNode o = WorkflowDlqView.entry(new JsonViews(), e, x -> Optional.of(pending));
    assertEquals("{\"state\":\"CALLBACK_INPROGRESS\"}", o.get("failureCallbackInfo").toString());

    FailureCall failed =
        new FailureCall(
            "t",
            "wfr_1",
            "5-0",
            "msg_fc",
            "http://app/wf",
            FailureCall.State.CALLBACK_FAIL,
            500,
            Map.of("X-A", List.of("b")),
            "oops".getBytes(StandardCharsets.UTF_8),
            7);
    ObjectNode f = WorkflowDlqView.entry(new JsonViews(), e, x -> Optional.of(failed));
    assertEquals(
        "{\"state\":\"CALLBACK_FAIL\",\"responseStatus\":500,\"responseBody\":\"oops\","
            + "\"responseHeaders\":{\"X-A\":[\"b\"]}}",
        f.get("failureCallbackInfo").toString());
    assertFalse(WorkflowDlqView.entry(new JsonViews(), e).has("failureCallbackInfo"));
  }
}
