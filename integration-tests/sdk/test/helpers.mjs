// Shared fixtures for the SDK conformance suite. The server under test is given by the
// environment (QSTASH_URL, QSTASH_TOKEN, QSTASH_CURRENT_SIGNING_KEY, QSTASH_NEXT_SIGNING_KEY).
import http from "node:http";
import { randomUUID } from "node:crypto";
import assert from "node:assert/strict";
import { Client, Receiver } from "@upstash/qstash";

export const BASE_URL = required("QSTASH_URL");
export const TOKEN = required("QSTASH_TOKEN");
export const CURRENT_KEY = required("QSTASH_CURRENT_SIGNING_KEY");
export const NEXT_KEY = required("QSTASH_NEXT_SIGNING_KEY");

/** Dev user 2 of the official dev server (docs/api.md#dev-users): a second, isolated tenant. */
export const USER2 = {
  token: "eyJVc2VySUQiOiJ0ZXN0VXNlcjEiLCJQYXNzd29yZCI6InRlc3RQYXNzd29yZCJ9",
  current: "sig_7GVPjvuwsfqF65iC8fSrs1dfYruM",
  next: "sig_5NoELc3EFnZn4DVS5bDs2Nk4b7Ua",
};

export const client = new Client({ baseUrl: BASE_URL, token: TOKEN });
export const receiver = new Receiver({ currentSigningKey: CURRENT_KEY, nextSigningKey: NEXT_KEY });

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`set ${name} to point the suite at a running Postbox server`);
  return v;
}

/** A unique suffix so tests never depend on a clean tenant. */
export const uid = () => randomUUID().slice(0, 8);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * An HTTP destination on 127.0.0.1 that records requests. `reply(rec, all)` returns
 * {status, headers, body, delayMs} (default 200 "ok").
 */
export async function startReceiver(reply = () => undefined) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const rec = {
        method: req.method,
        path: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks),
        at: Date.now(),
      };
      requests.push(rec);
      const r = (await reply(rec, requests)) ?? {};
      if (r.delayMs) await sleep(r.delayMs);
      res.writeHead(r.status ?? 200, r.headers ?? {});
      res.end(r.body ?? "ok");
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = server.address().port;
  return {
    requests,
    url: (path = "/") => `http://127.0.0.1:${port}${path}`,
    on: (path) => requests.filter((r) => r.path === path),
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections(); // don't wait for the broker's idle keep-alive connections
      }),
  };
}

/** Polls until `fn` returns a truthy value (returned), or fails after `timeoutMs`. */
export async function waitFor(fn, { timeoutMs = 10_000, intervalMs = 25, what = "condition" } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last}`);
}

/** Asserts the recorded request carries a signature the SDK's Receiver accepts for `url`. */
export async function assertSigned(rec, url, r = receiver) {
  const signature = rec.headers["upstash-signature"];
  assert.ok(signature, "missing Upstash-Signature");
  const ok = await r.verify({ signature, body: rec.body.toString("utf8"), url });
  assert.equal(ok, true);
}

/** A raw API call (what curl users do). */
export async function api(method, path, { headers = {}, body, token = TOKEN } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  const res = await fetch(BASE_URL + path, { method, headers: h, body });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** Asserts a 4xx JSON error whose message mentions `mentions`. */
export function assertClientError(res, status, mentions) {
  assert.equal(res.status, status, res.text);
  assert.ok(res.json && typeof res.json.error === "string", `expected {"error": ...}, got ${res.text}`);
  if (mentions) {
    assert.match(res.json.error.toLowerCase(), new RegExp(mentions.toLowerCase()), res.text);
  }
}

/** States of a message's log entries, oldest first. */
export async function states(messageId) {
  const res = await client.logs({ filter: { messageId }, count: 1000 });
  return res.logs.map((l) => l.state).reverse();
}
