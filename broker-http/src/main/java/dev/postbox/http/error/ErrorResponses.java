package dev.postbox.http.error;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.error.BrokerException;
import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.time.SystemClock;
import dev.postbox.http.server.ApiResponse;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where errors become HTTP statuses and {@code {"error": "..."}} bodies.
 *
 * <p>A refusal the broker expects to make (every 4xx, and 507 when storage is full) shows its own
 * message to the client and is logged in one line without a stack trace, at most one line per error
 * code every 10 s. Any other failure is a fault: the client gets a fixed text for its code, never
 * the underlying message (which may be the storage engine's own), and the log gets the message and
 * the stack trace.
 */
public final class ErrorResponses {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final RefusalLog REFUSALS = new RefusalLog(SystemClock.INSTANCE, 10_000);

  private ErrorResponses() {}

  public static int status(ErrorCode code) {
    return switch (code) {
      case INVALID_REQUEST -> 400;
      case UNAUTHORIZED -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case PAYLOAD_TOO_LARGE -> 413;
      case LIMIT_EXCEEDED -> 412;
      case STORAGE_FULL -> 507;
      case STORAGE_UNAVAILABLE, SHUTTING_DOWN -> 503;
      case INTERNAL -> 500;
    };
  }

  /**
   * The text a client gets for a failure with {@code code}, or null when it gets the failure's own
   * message (an expected refusal, whose message says what to change).
   */
  static String fixedText(ErrorCode code) {
    return switch (code) {
      case INVALID_REQUEST,
          UNAUTHORIZED,
          FORBIDDEN,
          NOT_FOUND,
          PAYLOAD_TOO_LARGE,
          LIMIT_EXCEEDED,
          STORAGE_FULL ->
          null;
      case STORAGE_UNAVAILABLE -> "storage unavailable";
      case SHUTTING_DOWN -> "shutting down";
      case INTERNAL -> "internal error";
    };
  }

  public static ApiResponse of(int status, String message) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("error", message);
    try {
      return ApiResponse.json(status, MAPPER.writeValueAsBytes(node));
    } catch (Exception e) {
      return ApiResponse.json(status, "{\"error\":\"error\"}");
    }
  }

  /** Turns any failure into a response and logs it (see the class comment for how). */
  public static ApiResponse of(Throwable failure) {
    return of(failure, REFUSALS);
  }

  static ApiResponse of(Throwable failure, RefusalLog refusals) {
    Throwable t = unwrap(failure);
    if (t instanceof BrokerException) {
      BrokerException be = (BrokerException) t;
      int status = status(be.code());
      String fixed = fixedText(be.code());
      if (fixed == null) {
        logRefusal(be, status, refusals);
        return of(status, be.getMessage());
      }
      LOG.warn("request failed with {} {}: {}", status, be.code(), be.getMessage(), be);
      return of(status, fixed);
    }
    LOG.error("unexpected failure while handling a request", t);
    return of(500, "internal error");
  }

  private static void logRefusal(BrokerException be, int status, RefusalLog refusals) {
    long suppressed = refusals.admit(be.code());
    if (suppressed == RefusalLog.SUPPRESS) {
      return;
    }
    String more =
        suppressed == 0
            ? ""
            : " (and "
                + suppressed
                + " more since the last line; at most one line per "
                + refusals.windowMillis() / 1000
                + " s)";
    if (be.code() == ErrorCode.STORAGE_FULL) {
      LOG.warn("refused a request with {} {}: {}{}", status, be.code(), be.getMessage(), more);
    } else {
      LOG.info("refused a request with {} {}: {}{}", status, be.code(), be.getMessage(), more);
    }
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
