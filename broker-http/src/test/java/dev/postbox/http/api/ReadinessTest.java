package dev.postbox.http.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReadinessTest {
  @Test
  void itsJsonIsWhatJacksonWritesForItsFields() throws Exception {
    for (int bits = 0; bits < 8; bits++) {
      Readiness r = new Readiness((bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0);
      assertEquals(
          Json.MAPPER.writeValueAsString(Json.MAPPER.valueToTree(r.fields())),
          r.json(),
          r.toString());
    }
  }
}
