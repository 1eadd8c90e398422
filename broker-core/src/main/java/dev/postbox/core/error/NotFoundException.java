package dev.postbox.core.error;

/** The named resource does not exist for this tenant. */
public class NotFoundException extends BrokerException {
  public NotFoundException(String message) {
    super(ErrorCode.NOT_FOUND, message);
  }
}
