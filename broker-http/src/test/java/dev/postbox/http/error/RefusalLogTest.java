package dev.postbox.http.error;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.testing.SettableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RefusalLogTest {
  private final SettableClock clock = new SettableClock();
  private final RefusalLog log = new RefusalLog(clock, 10_000);

  @Test
  void oneLinePerCodePerWindowThenTheCountOfThoseSuppressed() {
    clock.set(1_000_000);
    assertEquals(0, log.admit(ErrorCode.STORAGE_FULL), "the first refusal is logged");
    for (int i = 0; i < 9_000; i++) {
      assertEquals(RefusalLog.SUPPRESS, log.admit(ErrorCode.STORAGE_FULL));
    }
    clock.tick(Duration.ofMillis(9_999));
    assertEquals(RefusalLog.SUPPRESS, log.admit(ErrorCode.STORAGE_FULL), "window not over yet");
    clock.tick(Duration.ofMillis(1));
    assertEquals(9_001, log.admit(ErrorCode.STORAGE_FULL), "logged, with how many were not");
    assertEquals(RefusalLog.SUPPRESS, log.admit(ErrorCode.STORAGE_FULL));
    clock.tick(Duration.ofSeconds(60));
    assertEquals(1, log.admit(ErrorCode.STORAGE_FULL));
  }

  @Test
  void eachCodeHasItsOwnWindow() {
    clock.set(5);
    assertEquals(0, log.admit(ErrorCode.STORAGE_FULL));
    assertEquals(RefusalLog.SUPPRESS, log.admit(ErrorCode.STORAGE_FULL));
    assertEquals(0, log.admit(ErrorCode.LIMIT_EXCEEDED), "another code is not held back");
    assertEquals(0, log.admit(ErrorCode.NOT_FOUND));
    assertEquals(RefusalLog.SUPPRESS, log.admit(ErrorCode.LIMIT_EXCEEDED));
  }
}
