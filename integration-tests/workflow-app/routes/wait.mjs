// Waiting for events (WorkflowWaitIT): context.waitForEvent woken by Client.notify or timed out,
// a lookback notify sent before the wait, and context.createWebhook + waitForWebhook called by a
// plain HTTP client. Control endpoints call the SDK's Client.notify and Client.getWaiters.
import { serve } from "@upstash/workflow";

export default function ({ client, results }) {
  const hooks = {}; // webhook URL per run id, as createWebhook made it

  const routes = {
    // {eventId, timeout?, pause?}: optionally sleeps `pause` seconds, waits for the event, then
    // one step records what the wait gave.
    "/wait-event": serve(async (context) => {
      const { eventId, timeout, pause } = context.requestPayload;
      if (pause) {
        await context.sleep("pause", pause);
      }
      const { eventData, timeout: timedOut } = await context.waitForEvent("wait", eventId, {
        timeout: timeout ?? "1d",
      });
      const seen = await context.run("after", async () => ({
        eventData: eventData ?? null,
        timedOut,
      }));
      results[context.workflowRunId] = seen;
      return seen;
    }),
    // {eventId}: waits for `${eventId}-a` and `${eventId}-b` in parallel, then one step.
    "/wait-two": serve(async (context) => {
      const { eventId } = context.requestPayload;
      const [a, b] = await Promise.all([
        context.waitForEvent("wait-a", `${eventId}-a`, { timeout: "1d" }),
        context.waitForEvent("wait-b", `${eventId}-b`, { timeout: "1d" }),
      ]);
      const both = await context.run("both", async () => [a.eventData, b.eventData]);
      results[context.workflowRunId] = both;
      return both;
    }),
    // Makes a webhook URL, hands it out (GET /wait-hooks), waits for a call of it and records the
    // request as waitForWebhook rebuilt it.
    "/wait-webhook": serve(async (context) => {
      const webhook = await context.createWebhook("hook");
      await context.run("hand-out", async () => {
        hooks[context.workflowRunId] = webhook.webhookUrl;
        return webhook.webhookUrl;
      });
      const { request, timeout } = await context.waitForWebhook("called", webhook, "1d");
      const got = await context.run("read", async () =>
        timeout
          ? { timeout }
          : {
              method: request.method,
              body: await request.text(),
              sig: request.headers.get("x-sig"),
              url: request.url,
            },
      );
      results[context.workflowRunId] = got;
      return got;
    }),
  };

  const control = {
    // {eventId, eventData, workflowRunId?}: the SDK's Client.notify; answers what it returned.
    "POST /wait-notify": async (req, body) => {
      const n = JSON.parse(body.toString());
      return await client.notify({
        eventId: n.eventId,
        eventData: n.eventData,
        workflowRunId: n.workflowRunId,
      });
    },
    // ?eventId=: the SDK's Client.getWaiters.
    "GET /wait-waiters": async (req, body, url) =>
      await client.getWaiters({ eventId: url.searchParams.get("eventId") }),
    "GET /wait-hooks": async () => hooks,
  };

  return { routes, control };
}
