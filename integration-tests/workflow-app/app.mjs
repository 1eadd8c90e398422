// A small @upstash/workflow app on plain node:http, driven by the workflow ITs against Postbox.
// Env: QSTASH_URL, QSTASH_TOKEN, QSTASH_CURRENT_SIGNING_KEY, QSTASH_NEXT_SIGNING_KEY (serve then
// verifies every delivery with the SDK's Receiver), PORT (0: any free port; printed on stdout).
import http from "node:http";
import { readdirSync } from "node:fs";
import { Client, WorkflowNonRetryableError, serve } from "@upstash/workflow";

const counts = {}; // calls per route, workflow deliveries included
const statuses = {}; // the statuses the routes answered, in order
const results = {}; // final result per workflow run id

const routes = {
  // Three sequential steps whose outputs flow into the next: N steps cost N + 1 calls.
  "/three": serve(async (context) => {
    const input = context.requestPayload;
    const a = await context.run("add", async () => input.n + 1);
    const b = await context.run("double", async () => a * 2);
    const c = await context.run("describe", async () => `${input.name}:${b}`);
    results[context.workflowRunId] = c;
    return c;
  }),
  // A step, a two-second sleep, a step.
  "/sleep": serve(async (context) => {
    const before = await context.run("before", async () => Date.now());
    await context.sleep("nap", 2);
    const after = await context.run("after", async () => Date.now());
    results[context.workflowRunId] = { slept: after - before };
    return "slept";
  }),
  // A step that fails for good: the SDK answers 489 with Upstash-NonRetryable-Error, the run fails
  // and its failure callback comes back to this route (which has no failure function).
  "/fails": serve(async (context) => {
    await context.run("boom", async () => {
      throw new WorkflowNonRetryableError("boom");
    });
  }),
  // The same failure with a failure function: it records what the failure callback gave it.
  "/fails-handled": serve(
    async (context) => {
      await context.run("boom", async () => {
        throw new WorkflowNonRetryableError("handled boom");
      });
    },
    {
      failureFunction: async ({ context, failStatus, failResponse }) => {
        results[context.workflowRunId] = {
          payload: context.requestPayload,
          failStatus,
          failResponse,
          createdAt: context.workflowRunCreatedAt ?? null,
        };
      },
    },
  ),
  // Two steps in parallel, then one that uses both results.
  "/parallel": serve(async (context) => {
    const [a, b] = await Promise.all([
      context.run("left", async () => 20),
      context.run("right", async () => 22),
    ]);
    const sum = await context.run("sum", async () => a + b);
    results[context.workflowRunId] = sum;
    return sum;
  }),
  // A trigger without a body.
  "/nobody": serve(async (context) => {
    const seen = await context.run("look", async () => String(context.requestPayload ?? "none"));
    results[context.workflowRunId] = seen;
    return seen;
  }),
};

const client = new Client({ baseUrl: process.env.QSTASH_URL, token: process.env.QSTASH_TOKEN });

// More routes live in routes/*.mjs, one file per feature. Each default-exports a function of
// {client, results, counts, base} returning {routes: {"/path": serve(...)}, control: {"METHOD /path":
// async (req, body, url) => value}}; a control handler's value is answered as JSON.
const control = {};
let appBase = "";
const shared = { client, results, counts, base: () => appBase };
const routesDir = new URL("./routes/", import.meta.url);
let files = [];
try {
  files = readdirSync(routesDir).filter((f) => f.endsWith(".mjs")).sort();
} catch {
  files = [];
}
for (const f of files) {
  const mod = await import(new URL(f, routesDir));
  const made = mod.default(shared);
  Object.assign(routes, made.routes ?? {});
  Object.assign(control, made.control ?? {});
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function json(res, status, value) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

const server = http.createServer(async (req, res) => {
  try {
    const path = req.url.split("?")[0];
    const base = `http://127.0.0.1:${server.address().port}`;
    appBase = base;
    const handle = control[`${req.method} ${path}`];
    if (handle) {
      const value = await handle(req, await readBody(req), new URL(req.url, base));
      return json(res, 200, value ?? null);
    }
    if (req.method === "GET" && path === "/counts") {
      return json(res, 200, counts);
    }
    if (req.method === "GET" && path === "/statuses") {
      return json(res, 200, statuses);
    }
    if (req.method === "GET" && path === "/results") {
      return json(res, 200, results);
    }
    if (req.method === "GET" && path === "/dlq") {
      // The SDK's Client.dlq.list; the query's parameters are its filter (cursor, count apart).
      const q = Object.fromEntries(new URL(req.url, base).searchParams);
      const { cursor, count, ...filter } = q;
      const r = await client.dlq.list({
        cursor,
        count: count === undefined ? undefined : Number(count),
        filter,
      });
      return json(res, 200, r);
    }
    if (req.method === "POST" && path === "/trigger") {
      // {route, body?, workflowRunId?, retries?}: the SDK's Client starts a run against QSTASH_URL.
      const t = JSON.parse((await readBody(req)).toString() || "{}");
      const r = await client.trigger({
        url: base + t.route,
        body: t.body,
        workflowRunId: t.workflowRunId,
        retries: t.retries,
      });
      return json(res, 200, r);
    }
    const route = routes[path];
    if (!route) {
      return json(res, 404, { error: `no route ${path}` });
    }
    counts[path] = (counts[path] ?? 0) + 1;
    const body = await readBody(req);
    const request = new Request(base + req.url, {
      method: req.method,
      headers: req.headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
    });
    const response = await route.handler(request);
    const headers = {};
    response.headers.forEach((v, k) => (headers[k] = v));
    (statuses[path] ??= []).push(response.status);
    res.writeHead(response.status, headers);
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (e) {
    console.error(e);
    json(res, 500, { error: String(e) });
  }
});

server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(`listening ${server.address().port}`);
});
