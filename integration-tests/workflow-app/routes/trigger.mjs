// POST /v2/trigger (WorkflowTriggerIT): runs started by the server, without the SDK's Client.
import { serve } from "@upstash/workflow";

export default function trigger({ results }) {
  let plainCalls = 0;
  return {
    routes: {
      // Two steps: 3 calls as for Client.trigger, after the request to trigger when it is asked for.
      "/rest/steps": serve(async (context) => {
        const a = await context.run("one", async () => context.requestPayload.n + 1);
        const b = await context.run("two", async () => a * 10);
        results[context.workflowRunId] = {
          b,
          payload: context.requestPayload,
          user: context.headers.get("x-user"),
          label: context.label ?? null,
        };
        return b;
      }),
    },
    control: {
      // Not a workflow endpoint: answers 200 without the SDK's headers.
      "POST /rest/plain": async () => {
        plainCalls++;
        return { plain: true };
      },
      "GET /rest/plain": async () => plainCalls,
    },
  };
}
