// context.call: workflow routes that call plain (non-workflow) endpoints of this app, and those
// endpoints. The call counts of both are in GET /counts, the workflows' results in GET /results.
import { serve } from "@upstash/workflow";

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A plain route: app.mjs calls handler(request) and answers with the Response it returns.
const plain = (handler) => ({ handler });

export default ({ results, base }) => ({
  routes: {
    // Answers JSON with what it got.
    "/call/echo": plain(async (request) =>
      Response.json({
        method: request.method,
        body: await request.text(),
        header: request.headers.get("x-call"),
      }),
    ),
    // Always fails.
    "/call/fail": plain(async () => new Response("nope", { status: 500 })),
    // Answers after ?ms= milliseconds (default 3000).
    "/call/slow": plain(async (request) => {
      const ms = Number(new URL(request.url).searchParams.get("ms") ?? 3000);
      await pause(ms);
      return Response.json({ slow: ms });
    }),

    // A call, a two-second sleep (the run goes on meanwhile), then a step that uses the answer.
    "/call/ok": serve(async (context) => {
      const r = await context.call("echo", {
        url: `${base()}/call/echo`,
        method: "POST",
        body: JSON.stringify({ n: context.requestPayload.n }),
        headers: { "x-call": "yes", "content-type": "application/json" },
      });
      await context.sleep("hold", 2);
      const out = await context.run("use", async () => ({ status: r.status, echoed: r.body }));
      results[context.workflowRunId] = out;
      return out;
    }),
    // A call to an endpoint that fails, retried twice: three attempts, three callbacks; the
    // workflow goes on with the last failure.
    "/call/failing": serve(async (context) => {
      const r = await context.call("fail", {
        url: `${base()}/call/fail`,
        method: "POST",
        body: "{}",
        retries: 2,
        retryDelay: "100",
      });
      const out = await context.run("after", async () => ({ status: r.status, body: r.body }));
      results[context.workflowRunId] = out;
      return out;
    }),
    // A call that takes longer than its one-second timeout.
    "/call/timeout": serve(async (context) => {
      const r = await context.call("slow", {
        url: `${base()}/call/slow?ms=4000`,
        method: "GET",
        timeout: 1,
      });
      const out = await context.run("after", async () => ({ status: r.status, body: r.body }));
      results[context.workflowRunId] = out;
      return out;
    }),
    // A call that takes three seconds (a server can be killed while it is in flight).
    "/call/slowly": serve(async (context) => {
      const r = await context.call("slow", { url: `${base()}/call/slow?ms=3000`, method: "GET" });
      const out = await context.run("after", async () => ({ status: r.status, body: r.body }));
      results[context.workflowRunId] = out;
      return out;
    }),
    // Two sleeping branches in parallel, then a step (a server can be killed while they sleep).
    "/call/parallel-sleep": serve(async (context) => {
      const started = await context.run("start", async () => Date.now());
      await Promise.all([context.sleep("left", 2), context.sleep("right", 2)]);
      const out = await context.run("after", async () => ({ slept: Date.now() - started }));
      results[context.workflowRunId] = out;
      return out;
    }),
  },
});
