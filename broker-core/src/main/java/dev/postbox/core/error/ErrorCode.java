package dev.postbox.core.error;

/**
 * What went wrong, independent of any transport. The HTTP layer maps each code to a status in
 * exactly one place.
 */
public enum ErrorCode {
  INVALID_REQUEST,
  UNAUTHORIZED,
  FORBIDDEN,
  NOT_FOUND,
  PAYLOAD_TOO_LARGE,
  LIMIT_EXCEEDED,
  STORAGE_FULL,
  STORAGE_UNAVAILABLE,
  SHUTTING_DOWN,
  INTERNAL
}
