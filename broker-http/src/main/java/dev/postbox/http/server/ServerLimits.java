package dev.postbox.http.server;

import java.time.Duration;

/**
 * What one connection may take from the server.
 *
 * @param maxBodyBytes largest request body (413 beyond)
 * @param requestTimeout how long a request may take to arrive in full once its head is in (408
 *     beyond); zero: no limit
 * @param idleTimeout how long a connection may stay open with no request under way or being
 *     answered; zero: no limit
 */
public record ServerLimits(int maxBodyBytes, Duration requestTimeout, Duration idleTimeout) {
  public ServerLimits {
    if (maxBodyBytes < 1 || requestTimeout.isNegative() || idleTimeout.isNegative()) {
      throw new IllegalArgumentException("limits must be positive (timeouts: zero for none)");
    }
  }
}
