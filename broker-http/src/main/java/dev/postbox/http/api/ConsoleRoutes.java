package dev.postbox.http.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.postbox.core.error.InvalidRequestException;
import dev.postbox.core.tenant.Tenant;
import dev.postbox.core.workflow.Waiter;
import dev.postbox.http.error.ErrorResponses;
import dev.postbox.http.server.ApiRequest;
import dev.postbox.http.server.ApiResponse;
import dev.postbox.http.server.ApiRouter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The web console (docs/console.md) in front of the other routes: {@code GET /} redirects to {@code
 * /console}, which answers the page, {@code /console/<file>} its static files, and two small calls
 * the page needs besides the API: {@code GET /console/api/whoami} (the tenant of the token sent,
 * and whether the server runs in dev mode) and {@code GET /console/api/dev-users} (in dev mode the
 * dev users and their public tokens, docs/api.md#dev-users, for a one-click sign-in; an empty list
 * otherwise), {@code GET /console/api/schedules/<id>/next?count=N}: a schedule's next fire times as
 * the server computes them, so the page need not evaluate cron itself, and {@code GET
 * /console/api/workflows/runs/<id>/waiters}: the events a workflow run waits for (the API lists
 * waiters by event only). Everything else goes to {@code next}.
 */
public final class ConsoleRoutes implements ApiRouter {
  static final String ROOT = "/console";
  static final String WHOAMI = ROOT + "/api/whoami";
  static final String DEV_USERS = ROOT + "/api/dev-users";
  static final String SCHEDULES = ROOT + "/api/schedules/";
  static final String RUNS = ROOT + "/api/workflows/runs/";
  static final int MAX_FIRE_TIMES = 100;

  /** Port: the next fire times (epoch ms) of a tenant's schedule; a 404 when it is unknown. */
  @FunctionalInterface
  public interface NextFireTimes {
    List<Long> next(String tenant, String scheduleId, int count);
  }

  /** Port: the waiters of a tenant's workflow run, in registration order (none: empty). */
  @FunctionalInterface
  public interface RunWaiters {
    List<Waiter> of(String tenant, String runId);
  }

  private final ApiRouter next;
  private final Routes api;
  private final List<Tenant> devUsers;
  private final NextFireTimes fireTimes;
  private final RunWaiters runWaiters;
  private final ConsoleAssets assets = new ConsoleAssets("console");

  /**
   * @param next the routes for everything that is not the console
   * @param api checks the token of {@code whoami}
   * @param devUsers the dev users when the server runs in dev mode, else empty
   * @param fireTimes a schedule's next fire times
   * @param runWaiters a workflow run's waiters
   */
  public ConsoleRoutes(
      ApiRouter next,
      Routes api,
      List<Tenant> devUsers,
      NextFireTimes fireTimes,
      RunWaiters runWaiters) {
    this.next = next;
    this.api = api;
    this.devUsers = List.copyOf(devUsers);
    this.fireTimes = fireTimes;
    this.runWaiters = runWaiters;
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
    if (path.startsWith(RUNS) && path.endsWith("/waiters")) {
      String id = path.substring(RUNS.length(), path.length() - "/waiters".length());
      if (!id.isEmpty() && id.indexOf('/') < 0) {
        return new Route(r -> CompletableFuture.completedFuture(waiters(r, id)), false);
      }
    }
    if (path.startsWith(SCHEDULES) && path.endsWith("/next")) {
      String id = path.substring(SCHEDULES.length(), path.length() - "/next".length());
      if (!id.isEmpty() && !id.contains("/")) {
        return new Route(r -> CompletableFuture.completedFuture(nextFireTimes(r, id)), false);
      }
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

  /** {@code {"scheduleId", "nextFireTimes": [ms...]}}: {@code count} (1 to 100, default 5). */
  private ApiResponse nextFireTimes(ApiRequest request, String rawId) {
    Tenant t = api.authenticate(request);
    String id = URLDecoder.decode(rawId.replace("+", "%2B"), StandardCharsets.UTF_8);
    List<String> counts = QueryParams.parse(request.rawQuery()).getOrDefault("count", List.of());
    int count = 5;
    if (!counts.isEmpty()) {
      try {
        count = Integer.parseInt(counts.get(0).trim());
      } catch (NumberFormatException e) {
        count = -1;
      }
      if (count < 1 || count > MAX_FIRE_TIMES) {
        throw new InvalidRequestException("count must be between 1 and " + MAX_FIRE_TIMES);
      }
    }
    ObjectNode o = Json.object();
    o.put("scheduleId", id);
    ArrayNode times = o.putArray("nextFireTimes");
    fireTimes.next(t.id(), id, count).forEach(times::add);
    return ConsoleAssets.secured(Json.ok(o));
  }

  /** {@code {"workflowRunId", "waiters": [{eventId, stepId, stepName, createdAt, deadline}]}}. */
  private ApiResponse waiters(ApiRequest request, String rawId) {
    Tenant t = api.authenticate(request);
    String id = URLDecoder.decode(rawId.replace("+", "%2B"), StandardCharsets.UTF_8);
    ObjectNode o = Json.object();
    o.put("workflowRunId", id);
    ArrayNode list = o.putArray("waiters");
    for (Waiter w : runWaiters.of(t.id(), id)) {
      list.addObject()
          .put("eventId", w.eventId())
          .put("stepId", w.step().stepId())
          .put("stepName", w.step().stepName())
          .put("createdAt", w.createdAt())
          .put("deadline", w.deadline());
    }
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
