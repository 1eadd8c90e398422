package dev.postbox.core.error;

/** The store failed; adapters wrap their vendor exceptions in this at their edge. */
public class StorageException extends BrokerException {
  public StorageException(String message, Throwable cause) {
    super(ErrorCode.STORAGE_UNAVAILABLE, message, cause);
  }

  public StorageException(ErrorCode code, String message) {
    super(code, message);
  }
}
