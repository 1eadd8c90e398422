package dev.postbox.core.error;

/** The caller sent something we cannot accept; the message names the offending field. */
public class InvalidRequestException extends BrokerException {
  public InvalidRequestException(String message) {
    super(ErrorCode.INVALID_REQUEST, message);
  }
}
