package dev.postbox.core.destination;

import dev.postbox.core.error.InvalidRequestException;

/** A destination the {@link DestinationPolicy} denies: a 400 whose message names the rule. */
public final class DestinationDeniedException extends InvalidRequestException {
  public DestinationDeniedException(String message) {
    super(message);
  }
}
