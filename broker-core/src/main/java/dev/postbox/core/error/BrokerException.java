package dev.postbox.core.error;

/** A failure with a transport-independent {@link ErrorCode} and a message safe to show clients. */
public class BrokerException extends RuntimeException {
  private final ErrorCode code;

  public BrokerException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public BrokerException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
