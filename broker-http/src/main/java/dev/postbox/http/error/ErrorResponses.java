package dev.postbox.http.error;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.error.BrokerException;
import dev.postbox.core.error.ErrorCode;
import dev.postbox.http.server.ApiResponse;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where errors become HTTP statuses and {@code {"error": "..."}} bodies. */
public final class ErrorResponses {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ErrorResponses() {}

  public static int status(ErrorCode code) {
    switch (code) {
      case INVALID_REQUEST:
        return 400;
      case UNAUTHORIZED:
        return 401;
      case FORBIDDEN:
        return 403;
      case NOT_FOUND:
        return 404;
      case PAYLOAD_TOO_LARGE:
        return 413;
      case LIMIT_EXCEEDED:
        return 412;
      case STORAGE_FULL:
        return 507;
      case STORAGE_UNAVAILABLE:
      case SHUTTING_DOWN:
        return 503;
      case INTERNAL:
      default:
        return 500;
    }
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

  /** Turns any failure into a response; only unexpected faults become a 500 (and are logged). */
  public static ApiResponse of(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof BrokerException) {
      BrokerException be = (BrokerException) t;
      int status = status(be.code());
      if (status >= 500) {
        LOG.warn("request failed: {}", be.getMessage(), be);
      }
      return of(status, be.getMessage());
    }
    LOG.error("unexpected failure while handling a request", t);
    return of(500, "internal error");
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
