import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "@upstash/qstash";
import { BASE_URL, TOKEN, client, startReceiver, waitFor, assertSigned, states, uid } from "./helpers.mjs";

test("publishJSON is delivered once, signed, with forwarded headers and the exact body", async () => {
  const dest = await startReceiver();
  try {
    const url = dest.url(`/hook-${uid()}?a=1&b=2`);
    const res = await client.publishJSON({
      url,
      body: { hello: "world" },
      headers: { "X-Test": "v1" },
    });
    assert.match(res.messageId, /^msg_/);
    const [rec] = await waitFor(() => dest.requests.length === 1 && dest.requests, { what: "delivery" });
    assert.equal(rec.method, "POST");
    assert.equal(rec.path, new URL(url).pathname + "?a=1&b=2");
    assert.equal(rec.body.toString(), JSON.stringify({ hello: "world" }));
    assert.equal(rec.headers["content-type"], "application/json");
    assert.equal(rec.headers["x-test"], "v1");
    assert.equal(rec.headers["upstash-forward-x-test"], undefined);
    assert.equal(rec.headers["upstash-message-id"], res.messageId);
    assert.equal(rec.headers["upstash-retried"], "0");
    assert.equal(rec.headers["user-agent"], "Upstash-QStash");
    assert.equal(rec.headers["upstash-telemetry-sdk"], undefined);
    assert.equal(rec.headers["authorization"], undefined);
    await assertSigned(rec, url);
    await waitFor(async () => (await states(res.messageId)).includes("DELIVERED"), { what: "DELIVERED log" });
    assert.deepEqual(await states(res.messageId), ["CREATED", "ACTIVE", "DELIVERED"]);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(dest.requests.length, 1, "delivered exactly once");
  } finally {
    await dest.close();
  }
});

test("method override and a body on GET reach the destination; the signature hashes that body", async () => {
  const dest = await startReceiver();
  try {
    const put = dest.url("/put");
    const get = dest.url("/get");
    await client.publish({ url: put, body: "p", method: "PUT" });
    await client.publish({ url: get, body: "g", method: "GET" });
    await waitFor(() => dest.requests.length === 2, { what: "two deliveries" });
    const p = dest.on("/put")[0];
    const g = dest.on("/get")[0];
    assert.equal(p.method, "PUT");
    assert.equal(p.body.toString(), "p");
    assert.equal(g.method, "GET");
    await assertSigned(p, put);
    await assertSigned(g, get);
  } finally {
    await dest.close();
  }
});

test("a delayed message waits, and messages.get shows it meanwhile", async () => {
  const dest = await startReceiver();
  try {
    const url = dest.url("/delayed");
    const before = Date.now();
    const res = await client.publish({
      url,
      body: "later",
      delay: 2,
      retries: 2,
      retryDelay: "1000 * retried",
      label: ["a-" + uid(), "b"],
      headers: { "Test-Header": "test-value" },
      callback: dest.url("/cb"),
      failureCallback: dest.url("/fcb"),
    });
    const m = await client.messages.get(res.messageId);
    assert.equal(m.messageId, res.messageId);
    assert.equal(m.url, url);
    assert.equal(m.method, "POST");
    assert.equal(m.body, "later");
    assert.equal(m.maxRetries, 2);
    assert.equal(m.retryDelayExpression, "1000 * retried");
    assert.ok(m.notBefore >= before + 2000 - 50, `notBefore ${m.notBefore}`);
    assert.ok(m.createdAt >= before - 1000);
    assert.deepEqual(m.header["Test-Header"], ["test-value"]);
    assert.equal(m.header["Upstash-Forward-Test-Header"], undefined);
    assert.equal(m.labels.length, 2);
    assert.equal(m.label, m.labels[0]);
    assert.equal(m.callback, dest.url("/cb"));
    assert.equal(m.failureCallback, dest.url("/fcb"));
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(dest.on("/delayed").length, 0, "not delivered before its delay");
    const [rec] = await waitFor(() => dest.on("/delayed").length === 1 && dest.on("/delayed"), {
      what: "delayed delivery",
    });
    assert.ok(rec.at >= before + 2000 - 50, `arrived ${rec.at - before} ms after publish`);
  } finally {
    await dest.close();
  }
});

test("notBefore (absolute, seconds) is honoured", async () => {
  const dest = await startReceiver();
  try {
    const notBefore = Math.floor(Date.now() / 1000) + 2;
    await client.publish({ url: dest.url("/nb"), body: "x", notBefore });
    const [rec] = await waitFor(() => dest.requests.length === 1 && dest.requests, { what: "delivery" });
    assert.ok(rec.at >= notBefore * 1000 - 50, `arrived ${notBefore * 1000 - rec.at} ms early`);
  } finally {
    await dest.close();
  }
});

test("an explicit baseUrl/token client works like the env-configured one", async () => {
  const dest = await startReceiver();
  try {
    const explicit = new Client({ baseUrl: BASE_URL + "/", token: TOKEN });
    const res = await explicit.publishJSON({ url: dest.url("/explicit"), body: { n: 1 } });
    await waitFor(() => dest.requests.length === 1, { what: "delivery" });
    assert.equal(dest.requests[0].headers["upstash-message-id"], res.messageId);
  } finally {
    await dest.close();
  }
});
