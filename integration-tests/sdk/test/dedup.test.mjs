// Deduplication (docs/api.md#deduplication) through the official SDK.
import { test } from "node:test";
import assert from "node:assert/strict";
import { client, uid, sleep, startReceiver, waitFor, api } from "./helpers.mjs";

test("a repeated deduplication id answers the original message and delivers once", async () => {
  const dest = await startReceiver();
  try {
    const deduplicationId = `order-${uid()}`;
    const first = await client.publishJSON({ url: dest.url("/d"), body: { n: 1 }, deduplicationId });
    assert.equal(first.deduplicated, undefined);
    const second = await client.publishJSON({ url: dest.url("/d"), body: { n: 2 }, deduplicationId });
    assert.equal(second.messageId, first.messageId);
    assert.equal(second.deduplicated, true);

    const raw = await api("POST", `/v2/publish/${dest.url("/d")}`, {
      headers: { "Upstash-Deduplication-Id": deduplicationId },
      body: "3",
    });
    assert.equal(raw.status, 202, "a duplicate is 202 Accepted");
    assert.equal(raw.json.messageId, first.messageId);

    await waitFor(() => dest.on("/d").length === 1, { what: "the one delivery" });
    await sleep(300); // and no second one
    assert.equal(dest.on("/d").length, 1);
    assert.equal(JSON.parse(dest.on("/d")[0].body.toString()).n, 1);
  } finally {
    await dest.close();
  }
});

test("content-based deduplication: same destination, headers and body", async () => {
  const url = `http://127.0.0.1:9/content-${uid()}`;
  const a = await client.publish({ url, body: "same", contentBasedDeduplication: true, delay: 3600 });
  const b = await client.publish({ url, body: "same", contentBasedDeduplication: true, delay: 3600 });
  const c = await client.publish({ url, body: "different", contentBasedDeduplication: true, delay: 3600 });
  const d = await client.publish({ url, body: "same", contentBasedDeduplication: true, delay: 3600, headers: { "X-V": "2" } });
  assert.equal(b.messageId, a.messageId);
  assert.equal(b.deduplicated, true);
  assert.notEqual(c.messageId, a.messageId);
  assert.notEqual(d.messageId, a.messageId);
  for (const m of [a, c, d]) await client.messages.cancel(m.messageId);
});

test("a repeated group publish answers every endpoint's original message", async () => {
  const name = `dedup-${uid()}`;
  await client.urlGroups.addEndpoints({ name, endpoints: [{ url: "http://127.0.0.1:9/a" }, { url: "http://127.0.0.1:9/b" }] });
  try {
    const deduplicationId = uid();
    const first = await client.publish({ urlGroup: name, body: "x", deduplicationId, delay: 3600 });
    const again = await client.publish({ urlGroup: name, body: "x", deduplicationId, delay: 3600 });
    assert.deepEqual(again.map((r) => r.messageId), first.map((r) => r.messageId));
    assert.ok(again.every((r) => r.deduplicated === true));
    for (const m of first) await client.messages.cancel(m.messageId);
  } finally {
    await client.urlGroups.delete(name);
  }
});
