package dev.postbox.app;

import dev.postbox.core.tenant.DevTenants;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The Upstash Redis REST API in front of a real Redis, off unless a URL is given (docs/redis.md).
 */
final class RedisSettings {
  @Option(
      names = "--redis-url",
      description =
          "serve the Upstash Redis REST API at /redis in front of this Redis"
              + " (redis://host:port; unset: off)")
  String url;

  @Option(
      names = "--redis-token",
      description =
          "bearer token of /redis (unset: in dev mode the dev QSTASH_TOKEN, else required with"
              + " --redis-url)")
  String token;

  /** The token callers of /redis must send: the one set, or in dev mode the dev user's. */
  String token(boolean devMode) {
    return token != null ? token : devMode ? DevTenants.DEFAULT_USER.token() : null;
  }

  List<String> problems(boolean devMode) {
    List<String> problems = new ArrayList<>();
    if (url == null) {
      return problems;
    }
    try {
      URI u = new URI(url);
      if (!"redis".equals(u.getScheme()) && !"rediss".equals(u.getScheme())
          || u.getHost() == null) {
        problems.add("--redis-url must look like redis://host:port, not " + url);
      }
    } catch (URISyntaxException e) {
      problems.add("--redis-url must look like redis://host:port, not " + url);
    }
    if (token != null && token.isBlank()) {
      problems.add("--redis-token must not be blank");
    } else if (token(devMode) == null) {
      problems.add(
          "--redis-url needs --redis-token (POSTBOX_REDIS_TOKEN) outside dev mode: the token apps"
              + " send as UPSTASH_REDIS_REST_TOKEN");
    }
    return problems;
  }
}
