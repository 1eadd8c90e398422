import { test } from "node:test";
import assert from "node:assert/strict";
import { client, startReceiver, waitFor, assertSigned, api, assertClientError, states, uid } from "./helpers.mjs";

test("500, 500, 200 with a retry-delay expression: three attempts, Upstash-Retried 0,1,2", async () => {
  const dest = await startReceiver((rec, all) => (all.length <= 2 ? { status: 500, body: "no" } : {}));
  try {
    const url = dest.url("/flaky");
    const { messageId } = await client.publish({ url, body: "x", retries: 3, retryDelay: "100" });
    await waitFor(() => dest.requests.length === 3, { what: "three attempts" });
    assert.deepEqual(dest.requests.map((r) => r.headers["upstash-retried"]), ["0", "1", "2"]);
    for (const r of dest.requests) {
      await assertSigned(r, url);
    }
    assert.ok(dest.requests[1].at - dest.requests[0].at >= 90, "waited the retry delay");
    await waitFor(async () => (await states(messageId)).includes("DELIVERED"), { what: "DELIVERED" });
    const s = await states(messageId);
    assert.deepEqual(s, ["CREATED", "ACTIVE", "ERROR", "RETRY", "ACTIVE", "ERROR", "RETRY", "ACTIVE", "DELIVERED"]);
    assert.equal(s.filter((x) => x === "DELIVERED").length, 1);
  } finally {
    await dest.close();
  }
});

test("retries: 0 and a 500 go to the DLQ with the last response; DLQ API round trip", async () => {
  const dest = await startReceiver((rec) =>
    rec.path.startsWith("/dead") ? { status: 500, body: "500 boom", headers: { "x-why": "broken" } } : {},
  );
  try {
    const label = "dlq-" + uid();
    const { messageId } = await client.publish({
      url: dest.url("/dead"),
      body: "payload",
      retries: 0,
      retryDelay: "pow(retried, 2) * 1000",
      label,
    });
    const listed = await waitFor(
      async () => {
        const r = await client.dlq.listMessages({ filter: { messageId } });
        return r.messages.length === 1 && r;
      },
      { what: "DLQ entry" },
    );
    const entry = listed.messages[0];
    assert.equal(listed.cursor, undefined);
    assert.equal(entry.messageId, messageId);
    assert.equal(entry.responseStatus, 500);
    assert.equal(entry.responseBody, "500 boom");
    assert.deepEqual(entry.responseHeader["X-Why"], ["broken"]);
    assert.equal(entry.retryDelayExpression, "pow(retried, 2) * 1000");
    assert.equal(entry.label, label);
    assert.deepEqual(entry.labels, [label]);
    assert.equal(entry.body, "payload");
    assert.ok(entry.dlqId);
    const byLabel = await client.dlq.listMessages({ filter: { label } });
    assert.equal(byLabel.messages.length, 1);
    const single = await api("GET", `/v2/dlq/${entry.dlqId}`);
    assert.equal(single.status, 200);
    assert.equal(single.json.dlqId, entry.dlqId);
    assert.ok((await states(messageId)).includes("FAILED"));

    await client.dlq.delete(entry.dlqId);
    await assert.rejects(client.dlq.delete(entry.dlqId), (e) => e.status === 404);
  } finally {
    await dest.close();
  }
});

test("DLQ retry re-delivers and removes the entry; bulk delete and bulk retry count exactly", async () => {
  let healthy = false;
  const dest = await startReceiver(() => (healthy ? {} : { status: 503 }));
  try {
    const label = "retry-" + uid();
    const ids = [];
    for (let i = 0; i < 4; i++) {
      ids.push((await client.publish({ url: dest.url(`/r${i}`), body: "b" + i, retries: 0, label })).messageId);
    }
    const entries = await waitFor(
      async () => {
        const r = await client.dlq.listMessages({ filter: { label } });
        return r.messages.length === 4 && r.messages;
      },
      { what: "four DLQ entries" },
    );
    healthy = true;
    const one = await client.dlq.retry(entries[0].dlqId);
    assert.equal(one.responses.length, 1);
    assert.match(one.responses[0].messageId, /^msg_/);
    await waitFor(() => dest.requests.some((r) => r.headers["upstash-message-id"] === one.responses[0].messageId), {
      what: "re-delivery",
    });
    await assert.rejects(client.dlq.delete(entries[0].dlqId), (e) => e.status === 404);

    const deleted = await client.dlq.delete([entries[1].dlqId]);
    assert.equal(deleted.deleted, 1);
    const retried = await client.dlq.retry({ filter: { label }, count: 1 });
    assert.equal(retried.responses.length, 1);
    const rest = await client.dlq.delete({ filter: { label } });
    assert.equal(rest.deleted, 1);
    assert.equal(rest.cursor, undefined);
    assert.equal((await client.dlq.listMessages({ filter: { label } })).messages.length, 0);
  } finally {
    await dest.close();
  }
});

test("489 with Upstash-NonRetryable-Error skips the remaining retries", async () => {
  const dest = await startReceiver(() => ({ status: 489, headers: { "Upstash-NonRetryable-Error": "true" } }));
  try {
    const { messageId } = await client.publish({ url: dest.url("/nr"), body: "x", retries: 3, retryDelay: "50" });
    await waitFor(async () => (await states(messageId)).includes("FAILED"), { what: "FAILED" });
    assert.equal(dest.requests.length, 1);
  } finally {
    await dest.close();
  }
});

test("Retry-After from the destination sets the next attempt", async () => {
  const dest = await startReceiver((rec, all) => (all.length === 1 ? { status: 429, headers: { "Retry-After": "1" } } : {}));
  try {
    await client.publish({ url: dest.url("/ra"), body: "x", retries: 1, retryDelay: "0" });
    await waitFor(() => dest.requests.length === 2, { what: "second attempt" });
    const gap = dest.requests[1].at - dest.requests[0].at;
    assert.ok(gap >= 950, `retried after ${gap} ms`);
  } finally {
    await dest.close();
  }
});

test("unknown DLQ filter parameters are rejected", async () => {
  assertClientError(await api("DELETE", "/v2/dlq?labeel=x"), 400, "labeel");
  assertClientError(await api("GET", "/v2/dlq?host=example.com"), 400, "host");
});
