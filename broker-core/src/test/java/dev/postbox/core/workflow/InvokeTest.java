package dev.postbox.core.workflow;

import static dev.postbox.core.workflow.WorkflowFixture.sdkHeaders;
import static dev.postbox.core.workflow.WorkflowFixture.unb64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postbox.core.delivery.DeliveryResponse;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code context.invoke}: the invoked run starts with the payload and reports its end. */
class InvokeTest {
  private static final String PARENT = "http://app/wf/parent";
  private static final String CHILD = "http://app/wf/child";
  private static final String STEP =
      "{\"stepId\":1,\"stepName\":\"call child\",\"stepType\":\"Invoke\",\"concurrent\":1}";

  private final WorkflowFixture f = new WorkflowFixture();

  /** Starts the parent and delivers its trigger; then the parent's SDK invokes the child. */
  private void parentInvokesChild(String childRunId, String... extra) {
    f.publish(PARENT, sdkHeaders(PARENT, "wfr_p", true), "{\"n\":1}");
    f.deliverAll();
    Map<String, List<String>> h = sdkHeaders(CHILD, childRunId, true);
    h.put("upstash-workflow-invoke", List.of("true"));
    h.put("upstash-forward-upstash-workflow-invoke-count", List.of("1"));
    h.put("upstash-failure-callback", List.of(CHILD));
    for (int i = 0; i < extra.length; i += 2) {
      h.put(extra[i], List.of(extra[i + 1]));
    }
    f.publish(CHILD, h, invokeBody("\"hello\""));
  }

  private static String invokeBody(String payload) {
    return "{\"body\":"
        + new JsonWriter().value(payload)
        + ",\"headers\":{\"Upstash-Workflow-Init\":[\"false\"],"
        + "\"Upstash-Workflow-Runid\":[\"wfr_p\"],"
        + "\"Upstash-Workflow-Url\":[\""
        + PARENT
        + "\"],\"Upstash-Feature-Set\":[\""
        + WorkflowFixture.FEATURES
        + "\"],\"Upstash-Forward-Upstash-Workflow-Sdk-Version\":[\"1\"],"
        + "\"Authorization\":[\"Bearer secret\"],\"content-type\":[\"application/json\"]},"
        + "\"workflowRunId\":\"wfr_p\",\"workflowRunCreatedAt\":"
        + 1_700_000_000_000L
        + ",\"workflowUrl\":\""
        + PARENT
        + "\",\"step\":"
        + STEP
        + "}";
  }

  /** The bodies (decoded) of the history entries a delivery carried. */
  private static List<String> history(String deliveryBody) {
    Matcher m = Pattern.compile("\"body\":\"([^\"]*)\"").matcher(deliveryBody);
    return m.results().map(r -> unb64(r.group(1))).toList();
  }

  private int lastSentTo(String url) {
    for (int i = f.sent.size() - 1; i >= 0; i--) {
      if (f.sent.get(i).url().equals(url)) {
        return i;
      }
    }
    throw new AssertionError("nothing sent to " + url);
  }

  @Test
  void theInvokedRunStartsWithThePayloadAndItsInvokeCount() {
    parentInvokesChild("wfr_c");
    f.deliverAll();
    int child = lastSentTo(CHILD);
    assertEquals(List.of("\"hello\""), history(f.body(child)));
    assertEquals(List.of("1"), f.sent.get(child).headers().get("Upstash-Workflow-Invoke-Count"));
    String s = f.step(CHILD, "wfr_c", "{\"stepId\":1}");
    f.deliverAll();
    assertEquals(
        List.of("1"),
        f.sent.get(lastSentTo(CHILD)).headers().get("Upstash-Workflow-Invoke-Count"),
        "every step of the invoked run carries its invoke count");
    assertTrue(s.startsWith("msg_"));
    WorkflowRun run = f.store.findRun("t1", "wfr_c").orElseThrow();
    assertEquals(1, run.invokeCount());
    assertEquals("wfr_p", run.invoker().runId());
    assertFalse(
        run.invoker().headers().containsKey("Authorization"), "the SDK's token is not kept");
  }

  @Test
  void aSucceededRunGivesItsResponseToTheInvokingRun() {
    parentInvokesChild("wfr_c");
    f.deliverAll();
    int before = f.sent.size();
    f.workflows.end("t1", "wfr_c", false, "\"result\"".getBytes(StandardCharsets.UTF_8)).join();
    f.deliverAll();
    assertEquals(before + 1, f.sent.size(), "the invoking run is called once");
    int parent = lastSentTo(PARENT);
    List<String> h = history(f.body(parent));
    assertEquals(2, h.size());
    assertEquals("{\"n\":1}", h.get(0));
    assertEquals(
        "{\"stepId\":1,\"stepName\":\"call child\",\"stepType\":\"Invoke\",\"concurrent\":1,"
            + "\"out\":\"{\\\"body\\\":\\\"\\\\\\\"result\\\\\\\"\\\",\\\"isFailed\\\":false,"
            + "\\\"isCanceled\\\":false}\"}",
        h.get(1));
    Map<String, List<String>> headers = f.sent.get(parent).headers();
    assertEquals(List.of("wfr_p"), headers.get("Upstash-Workflow-RunId"));
    assertEquals(List.of("1"), headers.get("Upstash-Workflow-Sdk-Version"));
    assertNull(headers.get("Authorization"));
    assertEquals(2, f.workflows.history("t1", "wfr_p").size());
  }

  @Test
  void theLinkOutlivesARestart() {
    parentInvokesChild("wfr_c");
    f.deliverAll();
    WorkflowFixture restarted = new WorkflowFixture(f.store);
    restarted.workflows.end("t1", "wfr_c", false, "7".getBytes(StandardCharsets.UTF_8)).join();
    restarted.deliverAll();
    assertEquals(1, restarted.sent.size());
    assertEquals(PARENT, restarted.sent.get(0).url());
    assertTrue(
        history(restarted.body(0)).get(1).contains("\\\"body\\\":\\\"7\\\""), restarted.body(0));
  }

  @Test
  void aFailedRunIsReportedAsFailed() {
    parentInvokesChild("wfr_c", "upstash-retries", "0");
    f.deliverAll(); // the invoked run's trigger
    f.step(CHILD, "wfr_c", "{\"stepId\":1}");
    f.answers.add(
        new DeliveryResponse(
            489, Map.of("Upstash-NonRetryable-Error", List.of("true")), new byte[0], null));
    f.deliverAll();
    assertEquals(WorkflowState.RUN_FAILED, f.state("wfr_c"));
    List<String> h = history(f.body(lastSentTo(PARENT)));
    assertEquals(2, h.size());
    assertTrue(
        h.get(1).endsWith("\"out\":\"{\\\"isFailed\\\":true,\\\"isCanceled\\\":false}\"}"),
        h.get(1));
  }

  @Test
  void aCanceledRunIsReportedAsCanceled() {
    parentInvokesChild("wfr_c");
    assertEquals(1, f.workflows.cancelIds("t1", List.of("wfr_c")).join());
    f.deliverAll();
    List<String> h = history(f.body(lastSentTo(PARENT)));
    assertTrue(
        h.get(1).endsWith("\"out\":\"{\\\"isFailed\\\":false,\\\"isCanceled\\\":true}\"}"),
        h.get(1));
    assertTrue(
        f.sent.stream().noneMatch(r -> r.url().equals(CHILD)),
        "the invoked run's pending trigger went with it");
  }

  @Test
  void anInvokingRunThatHasEndedIsNotTold() {
    parentInvokesChild("wfr_c");
    f.workflows.end("t1", "wfr_p", true, null).join();
    f.workflows.end("t1", "wfr_c", false, "1".getBytes(StandardCharsets.UTF_8)).join();
    f.deliverAll();
    assertEquals(WorkflowState.RUN_SUCCESS, f.state("wfr_c"));
    assertEquals(1, f.sent.stream().filter(r -> r.url().equals(PARENT)).count());
  }

  @Test
  void anInvokingRunThatFailedFirstLogsTheInvokeAsDoneWithoutBeingCalled() {
    parentInvokesChild("wfr_c");
    f.deliverAll();
    f.answers.add(
        new DeliveryResponse(
            489, Map.of("Upstash-NonRetryable-Error", List.of("true")), new byte[0], null));
    f.step(PARENT, "wfr_p", "{\"stepId\":2,\"stepName\":\"failing\",\"concurrent\":2}");
    f.deliverAll();
    assertEquals(WorkflowState.RUN_FAILED, f.state("wfr_p"));
    long toParent = f.sent.stream().filter(r -> r.url().equals(PARENT)).count();

    f.workflows.end("t1", "wfr_c", false, "\"r\"".getBytes(StandardCharsets.UTF_8)).join();
    f.deliverAll();
    assertEquals(toParent, f.sent.stream().filter(r -> r.url().equals(PARENT)).count());
    List<HistoryEntry> h = f.store.readHistory("t1", "wfr_p", Long.MAX_VALUE);
    assertEquals(3, h.size(), "its logs show the invoke step");
    String invoke = new String(h.get(2).body(), StandardCharsets.UTF_8);
    assertTrue(invoke.startsWith("{\"stepId\":1,\"stepName\":\"call child\""), invoke);
    assertTrue(invoke.contains("\\\"isFailed\\\":false"), invoke);
    assertEquals(WorkflowState.RUN_FAILED, f.state("wfr_p"));
  }

  @Test
  void aMalformedInvokeRequestIs400AndStartsNothing() {
    f.publish(PARENT, sdkHeaders(PARENT, "wfr_p", true), "{}");
    Map<String, List<String>> h = sdkHeaders(CHILD, "wfr_bad", true);
    h.put("upstash-workflow-invoke", List.of("true"));
    for (String body :
        List.of(
            "not json",
            "[]",
            "{\"workflowUrl\":\"u\",\"workflowRunId\":\"wfr_p\",\"headers\":{},\"step\":{}}",
            "{\"workflowRunId\":\"wfr_p\",\"headers\":{\"Upstash-Workflow-RunId\":\"wfr_p\"},"
                + "\"step\":{}}")) {
      InvalidRequestException e =
          assertThrows(InvalidRequestException.class, () -> f.publish(CHILD, h, body), body);
      assertTrue(e.getMessage().startsWith("invalid"), e.getMessage());
    }
    assertTrue(f.store.findRun("t1", "wfr_bad").isEmpty());
  }
}
