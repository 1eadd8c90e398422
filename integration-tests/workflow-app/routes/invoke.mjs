// context.invoke (WorkflowInvokeIT): a parent run invokes a child that returns a value and one that
// fails; the child URL is the parent's with its last path segment replaced by the workflow id.
import { WorkflowNonRetryableError, serve } from "@upstash/workflow";

export default function invoke({ results }) {
  const invokeCounts = {}; // the Upstash-Workflow-Invoke-Count header of each call, per route

  // Records the invoke count each call of a route carries, then lets the SDK handle the call.
  const counting = (path, served) => ({
    handler: async (request) => {
      (invokeCounts[path] ??= []).push(request.headers.get("upstash-workflow-invoke-count"));
      return served.handler(request);
    },
  });

  const routes = {
    // A step, an invoke of a child that returns a value, an invoke of a child that fails, a step
    // that sees both outcomes: 5 calls.
    "/invoke/parent": serve(async (context) => {
      const a = await context.run("before", async () => context.requestPayload.n + 1);
      const ok = await context.invoke("call ok", {
        workflow: { workflowId: "child-ok" },
        body: { n: a },
        headers: { "x-from": "parent" },
        retries: 0,
      });
      const bad = await context.invoke("call bad", {
        workflow: { workflowId: "child-fails" },
        body: "doomed",
        retries: 0,
      });
      const seen = await context.run("after", async () => ({ ok, bad }));
      results[context.workflowRunId] = { a, ...seen };
      return "parent done";
    }),
    // Two invokes in parallel, then the results: 5 calls (the trigger, one per plan step, one per
    // child's end: the first sees the block unfinished, the second goes on and returns).
    "/invoke/parallel": serve(async (context) => {
      const [x, y] = await Promise.all([
        context.invoke("left", { workflow: { workflowId: "child-ok" }, body: { n: 1 } }),
        context.invoke("right", { workflow: { workflowId: "child-ok" }, body: { n: 2 } }),
      ]);
      results[context.workflowRunId] = { x: x.body.doubled, y: y.body.doubled };
      return "parallel done";
    }),
    // One step, then it returns: 2 calls.
    "/invoke/child-ok": serve(async (context) => {
      const doubled = await context.run("double", async () => context.requestPayload.n * 2);
      results[`child-ok:${context.workflowRunId}`] = {
        payload: context.requestPayload,
        from: context.headers.get("x-from"),
      };
      return { doubled };
    }),
    // Fails for good in its first step; its failure callback comes back here: 2 calls.
    "/invoke/child-fails": serve(async (context) => {
      await context.run("boom", async () => {
        throw new WorkflowNonRetryableError(`child boom on ${context.requestPayload}`);
      });
    }),
  };
  for (const path of Object.keys(routes)) {
    routes[path] = counting(path, routes[path]);
  }
  return {
    routes,
    control: {
      "GET /invoke/counts": async () => invokeCounts,
    },
  };
}
