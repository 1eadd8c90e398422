package dev.postbox.http.error;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postbox.core.error.BrokerException;
import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.error.NotFoundException;
import dev.postbox.core.error.StorageException;
import dev.postbox.core.testing.SettableClock;
import dev.postbox.http.server.ApiResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ErrorResponsesTest {
  private final RefusalLog refusals = new RefusalLog(new SettableClock(), 10_000);

  private String answer(Throwable t) {
    ApiResponse r = ErrorResponses.of(t, refusals);
    return r.status() + " " + new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void aServerErrorShowsAFixedTextPerCodeNeverTheUnderlyingMessage() {
    StorageException rocks =
        new StorageException(
            "While appending to file: /data/000123.log: No space left on device",
            new IOException("rocksdb internals"));
    assertEquals("503 {\"error\":\"storage unavailable\"}", answer(rocks));
    assertEquals(
        "503 {\"error\":\"storage unavailable\"}",
        answer(new CompletionException(rocks)),
        "unwrapped like any other failure");
    assertEquals(
        "503 {\"error\":\"shutting down\"}",
        answer(new StorageException(ErrorCode.SHUTTING_DOWN, "the store is shutting down")));
    assertEquals(
        "500 {\"error\":\"internal error\"}",
        answer(new BrokerException(ErrorCode.INTERNAL, "cannot arm schedule s1: quartz says no")));
    assertEquals(
        "500 {\"error\":\"internal error\"}", answer(new IllegalStateException("a bug's details")));
  }

  @Test
  void anExpectedRefusalKeepsItsOwnMessage() {
    assertEquals(
        "404 {\"error\":\"URL group g not found\"}",
        answer(new NotFoundException("URL group g not found")));
    assertEquals(
        "412 {\"error\":\"queue limit reached\"}",
        answer(new BrokerException(ErrorCode.LIMIT_EXCEEDED, "queue limit reached")));
    assertEquals(
        "507 {\"error\":\"storage quota reached (10 of 5 bytes)\"}",
        answer(
            new BrokerException(ErrorCode.STORAGE_FULL, "storage quota reached (10 of 5 bytes)")));
  }

  @Test
  void everyCodeHasAStatus() {
    for (ErrorCode code : ErrorCode.values()) {
      int status = ErrorResponses.status(code);
      boolean ownMessage = ErrorResponses.fixedText(code) == null;
      assertEquals(
          status < 500 || code == ErrorCode.STORAGE_FULL,
          ownMessage,
          code + ": only expected refusals show their own message");
    }
  }
}
