package dev.postbox.core.redis;

import dev.postbox.core.error.BrokerException;
import dev.postbox.core.error.ErrorCode;

/**
 * Redis could not be reached, or did not answer in time: the REST API answers 503 and the broker
 * goes on. The message names the cause and is safe to show.
 */
public class RedisUnavailableException extends BrokerException {
  public RedisUnavailableException(String message, Throwable cause) {
    super(ErrorCode.STORAGE_UNAVAILABLE, message, cause);
  }
}
