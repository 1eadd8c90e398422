package dev.postbox.http.api;

import dev.postbox.core.message.LogEntry;
import dev.postbox.core.query.LogFilter;
import dev.postbox.core.store.MessageStore;
import dev.postbox.core.store.Page;
import dev.postbox.core.store.Positioned;
import dev.postbox.http.api.json.JsonViews;
import dev.postbox.http.server.ApiResponse;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /v2/events} and {@code GET /v2/logs} (docs/api.md#logs): same data under both keys.
 */
public final class LogEndpoints {
  private final MessageStore store;
  private final JsonViews views;

  public LogEndpoints(MessageStore store, JsonViews views) {
    this.store = store;
    this.views = views;
  }

  public CompletableFuture<ApiResponse> list(Call call) {
    LogFilter f = LogFilter.parse(call.query());
    Page<Positioned<LogEntry>> page =
        store.listLogs(
            call.tenant().id(), f.cursor(), f.count(), f.newestFirst(), f.scope(), f.predicate());
    return CompletableFuture.completedFuture(
        Json.ok(views.logsPage(page.items(), page.nextCursor())));
  }
}
