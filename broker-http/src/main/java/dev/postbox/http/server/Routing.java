package dev.postbox.http.server;

import java.util.Objects;
import java.util.concurrent.ExecutorService;

/**
 * The routes a server answers with, installed once they exist: a server binds its port before the
 * broker opens its storage, and answers {@code 503} until then, or with the non-blocking routes it
 * was given for that time. Read once per request.
 */
final class Routing {
  /**
   * @param router chooses the handler for each request
   * @param blockingPool where handlers that may block run
   */
  record Installed(ApiRouter router, ExecutorService blockingPool) {}

  private volatile Installed installed;
  private boolean served; // guarded by this

  /** Nothing installed: every request is answered 503 until {@link #install}. */
  Routing() {}

  /**
   * Answers with {@code whileStarting} until {@link #install}; its routes must not block (there is
   * no pool for them yet).
   */
  Routing(ApiRouter whileStarting) {
    this.installed = new Installed(Objects.requireNonNull(whileStarting, "whileStarting"), null);
  }

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
    if (served) {
      throw new IllegalStateException("routes are installed already");
    }
    served = true;
    installed = new Installed(router, blockingPool);
  }

  /** The installed routes (or those for the start), or null while the server is starting. */
  Installed current() {
    return installed;
  }
}
