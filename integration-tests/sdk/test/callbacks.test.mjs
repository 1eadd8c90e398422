import { test } from "node:test";
import assert from "node:assert/strict";
import { client, startReceiver, waitFor, assertSigned } from "./helpers.mjs";

const json = (rec) => JSON.parse(rec.body.toString());
const b64 = (s) => Buffer.from(s, "base64").toString();

test("callback after a successful delivery carries the response and the source message", async () => {
  const dest = await startReceiver((rec) => (rec.path === "/work" ? { status: 200, body: "done!" } : {}));
  try {
    const callback = dest.url("/callback");
    const { messageId } = await client.publishJSON({
      url: dest.url("/work"),
      body: { job: 1 },
      callback,
      headers: { "X-Src": "s" },
    });
    const [cb] = await waitFor(() => dest.on("/callback").length === 1 && dest.on("/callback"), { what: "callback" });
    await assertSigned(cb, callback);
    assert.equal(cb.method, "POST");
    const p = json(cb);
    assert.equal(p.status, 200);
    assert.equal(b64(p.body), "done!");
    assert.equal(p.retried, 0);
    assert.equal(p.maxRetries, 3);
    assert.equal(p.sourceMessageId, messageId);
    assert.equal(p.url, dest.url("/work"));
    assert.equal(p.method, "POST");
    assert.deepEqual(p.sourceHeader["X-Src"], ["s"]);
    assert.equal(b64(p.sourceBody), JSON.stringify({ job: 1 }));
    assert.equal(typeof p.notBefore, "number");
    assert.equal(typeof p.createdAt, "number");
    assert.notEqual(cb.headers["upstash-message-id"], messageId, "a callback is its own message");
  } finally {
    await dest.close();
  }
});

test("failure callback fires once with the dlqId after the last attempt", async () => {
  const dest = await startReceiver((rec) => (rec.path === "/broken" ? { status: 500, body: "nope" } : {}));
  try {
    const failureCallback = dest.url("/failed");
    const { messageId } = await client.publish({
      url: dest.url("/broken"),
      body: "x",
      retries: 1,
      retryDelay: "50",
      callback: dest.url("/each"),
      failureCallback,
    });
    const [fcb] = await waitFor(() => dest.on("/failed").length === 1 && dest.on("/failed"), { what: "failure callback" });
    await assertSigned(fcb, failureCallback);
    const p = json(fcb);
    assert.equal(p.status, 500);
    assert.equal(b64(p.body), "nope");
    assert.equal(p.sourceMessageId, messageId);
    assert.equal(p.retried, 1);
    assert.ok(p.dlqId, "failure callback names the DLQ entry");
    const dlq = await client.dlq.listMessages({ filter: { messageId } });
    assert.equal(dlq.messages[0].dlqId, p.dlqId);
    await waitFor(() => dest.on("/each").length === 2, { what: "a callback per attempt" });
    assert.deepEqual(dest.on("/each").map((r) => json(r).retried).sort(), [0, 1]);
  } finally {
    await dest.close();
  }
});
