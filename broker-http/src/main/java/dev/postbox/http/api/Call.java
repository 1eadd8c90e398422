package dev.postbox.http.api;

import dev.postbox.core.tenant.Tenant;
import dev.postbox.http.server.ApiRequest;
import java.util.List;
import java.util.Map;

/**
 * An authenticated API call.
 *
 * @param request the request
 * @param tenant who is calling
 * @param params path parameters in route order
 * @param rest for catch-all routes, the raw path after the route prefix; otherwise ""
 */
public record Call(ApiRequest request, Tenant tenant, List<String> params, String rest) {
  public String param(int i) {
    return params.get(i);
  }

  /** Decoded query parameters without {@code qstash_token}. */
  public Map<String, List<String>> query() {
    return QueryParams.withoutToken(QueryParams.parse(request.rawQuery()));
  }
}
