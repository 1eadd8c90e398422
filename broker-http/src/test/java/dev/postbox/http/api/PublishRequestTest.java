package dev.postbox.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.postbox.core.error.BrokerException;
import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.publish.PublishLimits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** A publish to a URL group takes the group's default headers for what it does not carry itself. */
class PublishRequestTest {
  private static final PublishLimits LIMITS = PublishLimits.defaults();
  private static final Map<String, List<String>> TEAM_DEFAULTS =
      Map.of(
          "Upstash-Forward-X-Team", List.of("blue"),
          "Upstash-Retries", List.of("0"));

  private final List<String> looked = new ArrayList<>();
  private final Function<String, Map<String, List<String>>> defaults =
      group -> {
        looked.add(group);
        return group.equals("team") ? TEAM_DEFAULTS : Map.of();
      };

  private PublishRequest publish(String destination, String query, String... nameValue) {
    Map<String, List<String>> h = new LinkedHashMap<>(); // as ApiRequest: lower-case names
    for (int i = 0; i < nameValue.length; i += 2) {
      h.put(nameValue[i], List.of(nameValue[i + 1]));
    }
    return PublishRequest.of(destination, query, h, defaults, LIMITS, 1_000);
  }

  @Test
  void aGroupPublishWithoutTheHeadersGetsTheDefaults() {
    PublishRequest p = publish("team", "");
    assertEquals(Map.of("X-Team", List.of("blue")), p.options().forwardedHeaders());
    assertEquals(0, p.options().retries());
    assertEquals(List.of("team"), looked);
  }

  @Test
  void theRequestsOwnHeadersWin() {
    PublishRequest p = publish("team", "", "upstash-forward-x-team", "red", "upstash-retries", "5");
    assertEquals(Map.of("X-Team", List.of("red")), p.options().forwardedHeaders());
    assertEquals(5, p.options().retries());
  }

  @Test
  void configurationInTheQueryStringCountsAsTheRequestsOwn() {
    PublishRequest p = publish("team", "upstash-retries=7");
    assertEquals(7, p.options().retries());
    assertEquals(Map.of("X-Team", List.of("blue")), p.options().forwardedHeaders());
  }

  @Test
  void aPublishToAUrlLooksUpNoGroup() {
    PublishRequest p = publish("https://example.com/team", "");
    assertEquals(Map.of(), p.options().forwardedHeaders());
    assertEquals(LIMITS.defaultRetries(), p.options().retries());
    assertEquals(List.of(), looked);
  }

  @Test
  void aWorkflowStepAskingForMoreRetriesThanAllowedIsRefusedAsALimit() {
    BrokerException e =
        assertThrows(
            BrokerException.class,
            () ->
                publish(
                    "https://example.com/wf",
                    "",
                    "upstash-workflow-runid",
                    "wfr_1",
                    "upstash-retries",
                    "1000000"));
    assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code());
    assertEquals(
        "Upstash-Retries 1000000 is above the most retries a message may ask for, 20"
            + " (docs/api.md#limits)",
        e.getMessage());
  }

  @Test
  void aPlainMessageOrABadNumberStaysAnInvalidRequest() {
    InvalidRequestException plain =
        assertThrows(
            InvalidRequestException.class,
            () -> publish("https://example.com/x", "", "upstash-retries", "1000000"));
    assertEquals("invalid Upstash-Retries: must be between 0 and 20", plain.getMessage());
    InvalidRequestException bad =
        assertThrows(
            InvalidRequestException.class,
            () ->
                publish(
                    "https://example.com/wf",
                    "",
                    "upstash-workflow-runid",
                    "wfr_1",
                    "upstash-retries",
                    "-1"));
    assertEquals("invalid Upstash-Retries: must be between 0 and 20", bad.getMessage());
    assertEquals(
        20,
        publish(
                "https://example.com/wf",
                "",
                "upstash-workflow-runid",
                "wfr_1",
                "upstash-retries",
                "20")
            .options()
            .retries());
  }
}
