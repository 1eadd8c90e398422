// Runs that end in an edge case (WorkflowEdgeRunsIT): a server trigger of an endpoint built on an
// SDK older than 1.0, a step that asks for more retries than the server allows, and a parent that
// fails in a parallel block while the run it invoked goes on.
import { WorkflowNonRetryableError, serve } from "@upstash/workflow";

const TOO_MANY_RETRIES = 1_000_000;

export default function edges({ results, base }) {
  return {
    routes: {
      // Answers as an SDK older than 1.0 would: the protocol header, but no SDK release header and
      // no run started.
      "/edges/old-sdk": {
        handler: async () =>
          new Response(JSON.stringify({ old: true }), {
            status: 200,
            headers: { "content-type": "application/json", "Upstash-Workflow-Sdk-Version": "1" },
          }),
      },
      // Two steps, started by the server without the SDK's Client: 3 calls.
      "/edges/steps": serve(async (context) => {
        const a = await context.run("one", async () => context.requestPayload.n + 1);
        const b = await context.run("two", async () => a * 10);
        results[context.workflowRunId] = { b };
        return b;
      }),
      // A context.call asking for more retries than allowed: the publish is refused with 412 and
      // the SDK fails the step for good (489).
      "/edges/greedy-call": serve(async (context) => {
        await context.call("greedy", {
          url: `${base()}/edges/target`,
          method: "POST",
          retries: TOO_MANY_RETRIES,
        });
        results[context.workflowRunId] = "should not get here";
      }),
      // The same call as one branch of a parallel block.
      "/edges/greedy-parallel": serve(async (context) => {
        await Promise.all([
          context.run("fine", async () => "fine"),
          context.call("greedy", {
            url: `${base()}/edges/target`,
            method: "POST",
            retries: TOO_MANY_RETRIES,
          }),
        ]);
        results[context.workflowRunId] = "should not get here";
      }),
      // Invokes a child that sleeps while a parallel branch fails the parent.
      "/edges/parent": serve(async (context) => {
        await Promise.all([
          context.invoke("invoke child", { workflow: { workflowId: "slow-child" }, body: "c" }),
          context.run("failing step", async () => {
            throw new WorkflowNonRetryableError("step failed");
          }),
        ]);
      }),
      "/edges/slow-child": serve(async (context) => {
        await context.sleep("nap", 2);
        const done = await context.run("child step", async () => "child done");
        results[context.workflowRunId] = done;
        return done;
      }),
    },
    control: {
      "POST /edges/target": async () => ({ target: true }),
    },
  };
}
