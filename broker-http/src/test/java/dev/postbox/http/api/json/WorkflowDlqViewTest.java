package dev.postbox.http.api.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.message.DlqEntry;
import dev.postbox.core.message.Message;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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
}
