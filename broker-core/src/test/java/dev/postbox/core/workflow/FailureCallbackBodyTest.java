package dev.postbox.core.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FailureCallbackBodyTest {
  private static String rewrite(String body) {
    byte[] out =
        FailureCallbackBody.of(
            body.getBytes(StandardCharsets.UTF_8),
            "wfr_\"x",
            42,
            "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
    return new String(out, StandardCharsets.UTF_8);
  }

  @Test
  void replacesTheSourceBodyAndAddsTheRunFields() {
    assertEquals(
        "{\"status\":500,\"sourceHeader\":{\"X\":[\"\\\"sourceBody\\\":\\\"no\"]},"
            + "\"sourceBody\":\"eyJuIjoxfQ==\",\"dlqId\":\"d1\","
            + "\"workflowRunId\":\"wfr_\\\"x\",\"workflowCreatedAt\":42}",
        rewrite(
            "{\"status\":500,\"sourceHeader\":{\"X\":[\"\\\"sourceBody\\\":\\\"no\"]},"
                + "\"sourceBody\":\"c3RlcA==\",\"dlqId\":\"d1\"}"));
  }

  @Test
  void leavesABodyOfAnotherShapeAlone() {
    assertEquals("{\"status\":500}", rewrite("{\"status\":500}"));
    assertEquals("not json", rewrite("not json"));
  }
}
