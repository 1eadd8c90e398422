package dev.postbox.http.api;

import dev.postbox.core.tenant.Tenants;
import java.util.List;

/** The QStash v2 routes this server answers (docs/api.md#endpoints), in one table. */
public final class BrokerApi {
  private BrokerApi() {}

  public static Routes routes(
      Tenants tenants,
      PublishEndpoint publish,
      MessageEndpoints messages,
      LogEndpoints logs,
      DlqEndpoints dlq,
      KeyEndpoints keys,
      ScheduleEndpoints schedules,
      UrlGroupEndpoints groups,
      QueueEndpoints queues,
      FlowControlEndpoints flow,
      BatchEndpoint batch,
      WorkflowEndpoints workflows,
      WorkflowDlqEndpoints workflowDlq,
      TriggerEndpoints triggers,
      WaitEndpoints waits) {
    Routes routes = new Routes(tenants);
    for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
      // webhook URLs of context.createWebhook: called by third parties, without a token
      routes.addOpen(method, "workflows/hooks/{userId}/{runId}/{eventId}", true, waits::hook);
    }
    return workflowDlq
        .register(routes)
        .add("POST", "publish/**", false, publish::publish)
        .add("POST", "enqueue/**", false, publish::enqueue)
        .add("POST", "batch", true, batch::batch)
        .add("POST", "batch/trigger", true, triggers::batch)
        .add("POST", "trigger/**", true, triggers::trigger)
        .add("GET", "messages/{id}", true, messages::get)
        .add("DELETE", "messages/{id}", true, messages::cancel)
        .add("DELETE", "messages", true, messages::cancelMany)
        .add("GET", "events", true, logs::list)
        .add("GET", "logs", true, logs::list)
        .add("GET", "dlq", true, dlq::list)
        .add("DELETE", "dlq", true, dlq::deleteMany)
        .add("POST", "dlq/retry", true, dlq::retryMany)
        .add("POST", "dlq/retry/{id}", true, dlq::retry)
        .add("GET", "dlq/{id}", true, dlq::get)
        .add("DELETE", "dlq/{id}", true, dlq::delete)
        .add("POST", "schedules/{id}/pause", true, schedules::pause)
        .add("PATCH", "schedules/{id}/pause", true, schedules::pause)
        .add("POST", "schedules/{id}/resume", true, schedules::resume)
        .add("PATCH", "schedules/{id}/resume", true, schedules::resume)
        .add("GET", "schedules", true, schedules::list)
        .add("GET", "schedules/{id}", true, schedules::get)
        .add("DELETE", "schedules/{id}", true, schedules::delete)
        .add("POST", "schedules/**", false, schedules::create)
        .add("POST", "topics/{name}/endpoints", true, groups::addEndpoints)
        .add("DELETE", "topics/{name}/endpoints", true, groups::removeEndpoints)
        .add("GET", "topics", true, groups::list)
        .add("GET", "topics/{name}", true, groups::get)
        .add("PATCH", "topics/{name}", true, groups::setDefaultHeaders)
        .add("DELETE", "topics/{name}", true, groups::delete)
        .add("POST", "queues", true, queues::upsert)
        .add("GET", "queues", true, queues::list)
        .add("GET", "queues/{name}", true, queues::get)
        .add("DELETE", "queues/{name}", true, queues::delete)
        .add("POST", "queues/{name}/pause", true, queues::pause)
        .add("POST", "queues/{name}/resume", true, queues::resume)
        .add("GET", "flowControl", true, flow::list)
        .add("GET", "flowControl/{key}", true, flow::get)
        .add("POST", "flowControl/{key}/pause", true, flow::pause)
        .add("POST", "flowControl/{key}/resume", true, flow::resume)
        .add("POST", "flowControl/{key}/pin", true, flow::pin)
        .add("POST", "flowControl/{key}/unpin", true, flow::unpin)
        .add("POST", "flowControl/{key}/resetRate", true, flow::resetRate)
        .add("POST", "flowControl/{key}/reset", true, flow::reset)
        .add("GET", "globalParallelism", true, flow::globalParallelism)
        .add("GET", "keys", false, keys::get)
        .add("POST", "keys/rotate", true, keys::rotate)
        .add("GET", "workflows/runs/{id}", true, workflows::history)
        .add("DELETE", "workflows/runs/{id}", true, workflows::end)
        .add("DELETE", "workflows/runs", true, workflows::cancelMany)
        .add("GET", "workflows/logs", true, workflows.logs()::runs)
        .add("GET", "workflows/events", true, workflows.logs()::events)
        .add("POST", "wait/{eventId}", true, waits::await)
        .add("POST", "notify/{eventId}", true, waits::notify)
        .add("POST", "notify/{runId}/{eventId}", true, waits::notifyRun)
        .add("GET", "waiters/{eventId}", true, waits::waiters);
  }
}
