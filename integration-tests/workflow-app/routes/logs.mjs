// Routes and control endpoints of WorkflowLogsIT: runs that succeed, fail and are cancelled, and
// the SDK's Client.logs and Client.cancel against Postbox.
import { WorkflowNonRetryableError, serve } from "@upstash/workflow";

export default function logs({ client, results }) {
  return {
    routes: {
      // Three sequential steps; the run's response is the last output.
      "/logs-three": serve(async (context) => {
        const a = await context.run("one", async () => context.requestPayload.n + 1);
        const b = await context.run("two", async () => a * 2);
        const c = await context.run("three", async () => `done:${b}`);
        results[context.workflowRunId] = c;
        return c;
      }),
      // A step, then one that fails for good.
      "/logs-fails": serve(async (context) => {
        await context.run("prepare", async () => "ready");
        await context.run("boom", async () => {
          throw new WorkflowNonRetryableError("logs boom");
        });
      }),
      // A step, then a long sleep during which the run is cancelled.
      "/logs-sleeps": serve(async (context) => {
        await context.run("before", async () => "awake");
        results[context.workflowRunId] = "sleeping";
        await context.sleep("nap", 600);
        await context.run("after", async () => "never");
      }),
    },
    control: {
      // Client.logs: cursor and count as given, every other query parameter as its filter.
      "GET /logs": async (req, body, url) => {
        const { cursor, count, ...filter } = Object.fromEntries(url.searchParams);
        return await client.logs({
          cursor,
          count: count === undefined ? undefined : Number(count),
          filter,
        });
      },
      // Client.cancel of one run id.
      "POST /logs-cancel": async (req, body, url) => {
        return await client.cancel({ ids: url.searchParams.get("id") });
      },
    },
  };
}
