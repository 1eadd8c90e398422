package dev.postbox.http.server;

/** Chooses the handler for a request; returns null when no route matches. */
@FunctionalInterface
public interface ApiRouter {
  /**
   * @return the route, or null for "no such endpoint"
   */
  Route route(ApiRequest request);

  /**
   * A matched route.
   *
   * @param handler the handler
   * @param blocking true when the handler may block (store scans): it then runs off the event loop
   */
  record Route(ApiHandler handler, boolean blocking) {}
}
