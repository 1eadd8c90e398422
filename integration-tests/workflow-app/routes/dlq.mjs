// Routes and control endpoints of WorkflowDlqIT: a run whose second step fails while its counter is
// at most the run's `failures`, and the SDK's Client.dlq functions (resume, restart,
// retryFailureFunction, delete) to act on the failed runs.
import { serve } from "@upstash/workflow";

export default function ({ client, results, base }) {
  const calls = {}; // "<key>:<step>" -> how many times the step (or failure function) ran
  const failures = {}; // key -> how many times "second" fails before it succeeds
  const bump = (name) => (calls[name] = (calls[name] ?? 0) + 1);

  const routes = {
    "/dlq/flaky": serve(
      async (context) => {
        const key = context.requestPayload.key;
        const a = await context.run("first", async () => {
          bump(`${key}:first`);
          return 1;
        });
        const b = await context.run("second", async () => {
          if (bump(`${key}:second`) <= (failures[key] ?? 0)) {
            throw new Error(`second fails (${key})`);
          }
          return a + 1;
        });
        const c = await context.run("third", async () => {
          bump(`${key}:third`);
          return b + 1;
        });
        results[context.workflowRunId] = { key, c };
        return c;
      },
      {
        failureFunction: async ({ context }) => {
          bump(`${context.requestPayload.key}:failure`);
        },
      },
    ),
  };

  const parse = (body) => JSON.parse(body.toString() || "{}");

  const control = {
    // {key, failures, retryDelay?}: a run of /dlq/flaky with no retries; answers {workflowRunId}.
    "POST /dlq/trigger": async (req, body) => {
      const t = parse(body);
      failures[t.key] = t.failures ?? 0;
      return client.trigger({
        url: base() + "/dlq/flaky",
        body: { key: t.key },
        retries: 0,
        retryDelay: t.retryDelay,
      });
    },
    "GET /dlq/calls": async () => calls,
    // {request, options?}: the SDK's dlq.resume / dlq.restart with these arguments, as given.
    "POST /dlq/resume": async (req, body) => {
      const t = parse(body);
      return client.dlq.resume(t.request, t.options);
    },
    "POST /dlq/restart": async (req, body) => {
      const t = parse(body);
      return client.dlq.restart(t.request, t.options);
    },
    // {dlqId}
    "POST /dlq/callback": async (req, body) => client.dlq.retryFailureFunction(parse(body)),
    // {request}
    "POST /dlq/delete": async (req, body) => client.dlq.delete(parse(body).request),
  };

  return { routes, control };
}
