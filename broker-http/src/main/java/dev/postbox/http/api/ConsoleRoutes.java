package dev.postbox.http.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.tenant.Tenant;
import dev.postbox.http.error.ErrorResponses;
import dev.postbox.http.server.ApiRequest;
import dev.postbox.http.server.ApiResponse;
import dev.postbox.http.server.ApiRouter;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The web console (docs/console.md) in front of the other routes: {@code GET /} redirects to {@code
 * /console}, which answers the page, {@code /console/<file>} its static files, and two small calls
 * the page needs besides the API: {@code GET /console/api/whoami} (the tenant of the token sent,
 * and whether the server runs in dev mode) and {@code GET /console/api/dev-users} (in dev mode the
 * dev users and their public tokens, docs/api.md#dev-users, for a one-click sign-in; an empty list
 * otherwise). Everything else goes to {@code next}.
 */
public final class ConsoleRoutes implements ApiRouter {
  static final String ROOT = "/console";
  static final String WHOAMI = ROOT + "/api/whoami";
  static final String DEV_USERS = ROOT + "/api/dev-users";

  private final ApiRouter next;
  private final Routes api;
  private final List<Tenant> devUsers;
  private final ConsoleAssets assets = new ConsoleAssets("console");

  /**
   * @param next the routes for everything that is not the console
   * @param api checks the token of {@code whoami}
   * @param devUsers the dev users when the server runs in dev mode, else empty
   */
  public ConsoleRoutes(ApiRouter next, Routes api, List<Tenant> devUsers) {
    this.next = next;
    this.api = api;
    this.devUsers = List.copyOf(devUsers);
  }

  @Override
  public Route route(ApiRequest request) {
    String path = request.rawPath();
    boolean get = request.method().equals("GET");
    if (path.equals("/") && get) {
      return answer(ApiResponse.empty(302).withHeader("Location", ROOT));
    }
    if (!path.equals(ROOT) && !path.startsWith(ROOT + "/")) {
      return next.route(request);
    }
    if (!get) {
      return answer(
          ErrorResponses.of(405, "method " + request.method() + " not allowed on " + path)
              .withHeader("Allow", "GET"));
    }
    if (path.equals(WHOAMI)) {
      return new Route(r -> CompletableFuture.completedFuture(whoami(r)), false);
    }
    if (path.equals(DEV_USERS)) {
      return answer(devUsers());
    }
    if (path.startsWith(ROOT + "/api/")) {
      return answer(ConsoleAssets.secured(ErrorResponses.of(404, "not found")));
    }
    String name =
        path.length() <= ROOT.length() + 1 ? "index.html" : path.substring(ROOT.length() + 1);
    return answer(assets.get(name, request.header("if-none-match")));
  }

  private ApiResponse whoami(ApiRequest request) {
    Tenant t = api.authenticate(request); // UNAUTHORIZED (401) without a known token
    ObjectNode o = Json.object();
    o.put("tenant", t.id());
    o.put("devMode", !devUsers.isEmpty());
    return ConsoleAssets.secured(Json.ok(o));
  }

  private ApiResponse devUsers() {
    ObjectNode o = Json.object();
    o.put("devMode", !devUsers.isEmpty());
    ArrayNode users = o.putArray("users");
    for (Tenant t : devUsers) {
      users.addObject().put("tenant", t.id()).put("token", t.token());
    }
    return ConsoleAssets.secured(Json.ok(o));
  }

  private static Route answer(ApiResponse response) {
    return new Route(r -> CompletableFuture.completedFuture(response), false);
  }
}
