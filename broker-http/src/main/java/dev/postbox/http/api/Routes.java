package dev.postbox.http.api;

import dev.postbox.core.error.BrokerException;
import dev.postbox.core.error.ErrorCode;
import dev.postbox.core.tenant.Tenant;
import dev.postbox.core.tenant.Tenants;
import dev.postbox.http.error.ErrorResponses;
import dev.postbox.http.server.ApiHandler;
import dev.postbox.http.server.ApiRequest;
import dev.postbox.http.server.ApiResponse;
import dev.postbox.http.server.ApiRouter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The route table. Paths are matched on the raw target after the first {@code /v2/}, so the API can
 * be mounted under any prefix. A trailing slash on a collection path means the collection, and an
 * empty id never reaches a single-item handler (the hosted server answers {@code DELETE
 * /v2/messages/} as the bulk cancel). A path that exists for other methods is a 405 whose {@code
 * Allow} header lists them. Every route authenticates first, but those added with {@link #addOpen}.
 *
 * <p>A table made with {@link #at} matches only paths that start with its root instead; {@link
 * #mount}ed in front of the API's table, it takes every path under that root (test mode's {@code
 * /test/}), including those it has no route for (404).
 */
public final class Routes implements ApiRouter {
  /** Handles an authenticated call. */
  @FunctionalInterface
  public interface CallHandler {
    CompletableFuture<ApiResponse> handle(Call call) throws Exception;
  }

  /** {@code prefix}: for a catch-all, the raw-path prefix its tail follows ("a/b/"). */
  private record Entry(
      String method,
      String[] pattern,
      boolean catchAll,
      String prefix,
      CallHandler handler,
      boolean blocking,
      boolean open) {}

  private static final String V2 = "/v2/";

  private final Tenants tenants;
  private final String root; // null: after the first /v2/
  private final List<Entry> entries = new ArrayList<>();
  private final List<Routes> mounted = new ArrayList<>();

  public Routes(Tenants tenants) {
    this(tenants, null);
  }

  private Routes(Tenants tenants, String root) {
    this.tenants = tenants;
    this.root = root;
  }

  /** A table of routes under {@code root} ("/test/"), matched at the start of the path only. */
  public static Routes at(String root, Tenants tenants) {
    if (!root.startsWith("/") || !root.endsWith("/")) {
      throw new IllegalArgumentException("a root starts and ends with /: " + root);
    }
    return new Routes(tenants, root);
  }

  /** Puts {@code table} (made with {@link #at}) in front: it answers every path under its root. */
  public Routes mount(Routes table) {
    if (table.root == null) {
      throw new IllegalArgumentException("only a table made with Routes.at can be mounted");
    }
    mounted.add(table);
    return this;
  }

  /**
   * Adds a route. Pattern segments are literals or {@code {name}}; a final {@code **} takes the
   * rest of the raw path. {@code blocking} routes run off the event loop.
   */
  public Routes add(String method, String pattern, boolean blocking, CallHandler handler) {
    return add(method, pattern, blocking, handler, false);
  }

  /**
   * Adds a route that does not authenticate: its handler gets a call without a tenant and decides
   * who it is for itself (a webhook URL called by a third party).
   */
  public Routes addOpen(String method, String pattern, boolean blocking, CallHandler handler) {
    return add(method, pattern, blocking, handler, true);
  }

  private Routes add(
      String method, String pattern, boolean blocking, CallHandler handler, boolean open) {
    boolean catchAll = pattern.endsWith("/**");
    String p = catchAll ? pattern.substring(0, pattern.length() - 3) : pattern;
    String[] segments = p.split("/");
    entries.add(
        new Entry(
            method, segments, catchAll, String.join("/", segments) + "/", handler, blocking, open));
    return this;
  }

  @Override
  public Route route(ApiRequest request) {
    String path = request.rawPath();
    for (Routes m : mounted) {
      if (path.startsWith(m.root) || path.equals(m.root.substring(0, m.root.length() - 1))) {
        return m.route(request);
      }
    }
    String rest = rest(path);
    if (rest == null) {
      return null;
    }
    String trimmed = rest;
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    String[] segments = trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    boolean pathMatched = false;
    List<String> params = new ArrayList<>(); // reused: routes are tried one after another
    for (Entry e : entries) {
      params.clear();
      String tail = match(e, rest, segments, params);
      if (tail == null) {
        continue;
      }
      pathMatched = true;
      if (!e.method().equals(request.method())) {
        continue;
      }
      Call partial = new Call(request, null, List.copyOf(params), tail);
      if (e.open()) {
        return new Route(r -> e.handler().handle(partial), e.blocking());
      }
      return new Route(authenticated(e.handler(), partial), e.blocking());
    }
    if (pathMatched) {
      ApiResponse notAllowed =
          ErrorResponses.of(405, "method " + request.method() + " not allowed on " + path)
              .withHeader("Allow", allowed(rest, segments));
      return new Route(r -> CompletableFuture.completedFuture(notAllowed), false);
    }
    return null;
  }

  /** The path after the table's root, or null when the path is not under it. */
  private String rest(String path) {
    if (root == null) {
      int v2 = path.indexOf(V2);
      return v2 < 0 ? null : path.substring(v2 + V2.length());
    }
    return path.startsWith(root) ? path.substring(root.length()) : null;
  }

  /** The methods the routes matching this path accept, for a 405's {@code Allow} header. */
  private String allowed(String rest, String[] segments) {
    Set<String> methods = new LinkedHashSet<>();
    List<String> ignored = new ArrayList<>();
    for (Entry e : entries) {
      if (match(e, rest, segments, ignored) != null) {
        methods.add(e.method());
      }
      ignored.clear();
    }
    return String.join(", ", methods);
  }

  /** Returns the catch-all tail ("" for exact routes) or null when the route does not match. */
  private static String match(Entry e, String rest, String[] segments, List<String> params) {
    String[] p = e.pattern();
    if (e.catchAll()) {
      return rest.startsWith(e.prefix()) ? rest.substring(e.prefix().length()) : null;
    }
    if (segments.length != p.length) {
      return null;
    }
    for (int i = 0; i < p.length; i++) {
      if (p[i].startsWith("{")) {
        if (segments[i].isEmpty()) {
          return null;
        }
        params.add(QueryParams.decode(segments[i]));
      } else if (!p[i].equals(segments[i])) {
        return null;
      }
    }
    return "";
  }

  private ApiHandler authenticated(CallHandler handler, Call partial) {
    return request -> {
      Tenant tenant = authenticate(request);
      return handler.handle(new Call(request, tenant, partial.params(), partial.rest()));
    };
  }

  /** The tenant whose token the request carries; UNAUTHORIZED (401) when none or unknown. */
  Tenant authenticate(ApiRequest request) {
    String token = null;
    String auth = request.header("authorization");
    if (auth != null) {
      String a = auth.trim();
      if (a.regionMatches(true, 0, "Bearer ", 0, 7)) {
        token = a.substring(7).trim();
      }
    }
    if (token == null) {
      List<String> q = QueryParams.parse(request.rawQuery()).get("qstash_token");
      if (q != null && !q.isEmpty()) {
        token = q.get(0);
      }
    }
    if (token == null || token.isEmpty()) {
      throw new BrokerException(
          ErrorCode.UNAUTHORIZED,
          "missing token: send Authorization: Bearer <QSTASH_TOKEN> or ?qstash_token=");
    }
    Optional<Tenant> t = tenants.byToken(token);
    return t.orElseThrow(() -> new BrokerException(ErrorCode.UNAUTHORIZED, "invalid token"));
  }
}
