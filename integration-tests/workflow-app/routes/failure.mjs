// Routes of WorkflowFailureIT beyond app.mjs's: a run failed by one branch of a parallel block
// while the other sleeps, and a run whose failure function itself fails.
import { WorkflowNonRetryableError, serve } from "@upstash/workflow";

export default function failure({ results }) {
  return {
    routes: {
      // One branch fails for good at once; the other sleeps 4 s. The run fails with the first
      // branch, so the sleeping branch must never come back to this route.
      "/fail-parallel": serve(async (context) => {
        await Promise.all([
          context.run("boom", async () => {
            throw new WorkflowNonRetryableError("branch boom");
          }),
          context.sleep("nap", 4),
        ]);
        results[context.workflowRunId] = "went on";
      }),
      // A step that fails for good, and a failure function that throws: the failure callback
      // fails (the SDK answers 500).
      "/fail-handler-fails": serve(
        async (context) => {
          await context.run("boom", async () => {
            throw new WorkflowNonRetryableError("handler boom");
          });
        },
        {
          failureFunction: async ({ context }) => {
            results[context.workflowRunId] = "handler ran";
            throw new Error("the failure function fails too");
          },
        },
      ),
    },
  };
}
