// Corners of the SDK's protocol (WorkflowSdkCornersIT).
import { serve } from "@upstash/workflow";

export default function corners({ client, results, base }) {
  return {
    routes: {
      // Triggered by Client.trigger with the user header Upstash-Workflow-Unknown-Sdk: true. The
      // SDK then reads the first delivery's body as the run's history and publishes the run's
      // trigger itself: one more call than without the header (two steps: 4 calls).
      "/corners/unknown-sdk": serve(async (context) => {
        const a = await context.run("one", async () => `${context.requestPayload}!`);
        const b = await context.run("two", async () => `${a}?`);
        results[context.workflowRunId] = { b, user: context.headers.get("x-user") };
        return b;
      }),
      // context.call to another `serve` route: the callee must take it for a first call (it then
      // starts a run of its own and answers with its run id), not for a step of a run.
      "/corners/caller": serve(async (context) => {
        const r = await context.call("call a workflow route", {
          url: `${base()}/corners/callee`,
          method: "POST",
          body: "callee-payload",
          headers: { "x-user": "caller" },
        });
        results[context.workflowRunId] = { status: r.status, body: r.body };
        return r.status;
      }),
      "/corners/callee": serve(async (context) => {
        const p = await context.run("echo", async () => context.requestPayload);
        results[context.workflowRunId] = { payload: p, user: context.headers.get("x-user") };
        return p;
      }),
    },
    control: {
      // Not a workflow endpoint: a run triggered here fails, and its logs show this answer.
      "POST /corners/plain": async () => ({ plain: "corners" }),
      // {body, workflowRunId}: Client.trigger of /corners/unknown-sdk with the header.
      "POST /corners/unknown-sdk/start": async (req, body) => {
        const t = JSON.parse(body.toString());
        return client.trigger({
          url: `${base()}/corners/unknown-sdk`,
          body: t.body,
          workflowRunId: t.workflowRunId,
          headers: { "Upstash-Workflow-Unknown-Sdk": "true", "x-user": "u1" },
          retries: 0,
        });
      },
    },
  };
}
