package dev.postbox.http.server;

import java.util.Objects;
import java.util.concurrent.ExecutorService;

/**
 * The routes a server answers with, installed once they exist: a server binds its port before the
 * broker opens its storage, and answers {@code 503} until then. Read once per request.
 */
final class Routing {
  /**
   * @param router chooses the handler for each request
   * @param blockingPool where handlers that may block run
   */
  record Installed(ApiRouter router, ExecutorService blockingPool) {}

  private volatile Installed installed;

  /** Routing installed from the start. */
  static Routing of(ApiRouter router, ExecutorService blockingPool) {
    Routing r = new Routing();
    r.install(router, blockingPool);
    return r;
  }

  /**
   * Installs the routes; once only.
   *
   * @throws IllegalStateException when routes are installed already
   */
  synchronized void install(ApiRouter router, ExecutorService blockingPool) {
    Objects.requireNonNull(router, "router");
    if (installed != null) {
      throw new IllegalStateException("routes are installed already");
    }
    installed = new Installed(router, blockingPool);
  }

  /** The installed routes, or null while the server is starting. */
  Installed current() {
    return installed;
  }
}
