import { test } from "node:test";
import assert from "node:assert/strict";
import { QstashError } from "@upstash/qstash";
import { client, startReceiver, sleep, states, uid } from "./helpers.mjs";

test("cancel one message: {cancelled: 1}, never delivered, then 404", async () => {
  const dest = await startReceiver();
  try {
    const { messageId } = await client.publish({ url: dest.url("/c"), body: "x", delay: 1 });
    const res = await client.messages.cancel(messageId);
    assert.deepEqual(res, { cancelled: 1 });
    await assert.rejects(client.messages.get(messageId), (e) => e instanceof QstashError && e.status === 404);
    await sleep(1500);
    assert.equal(dest.requests.length, 0);
    const s = await states(messageId);
    assert.deepEqual(s, ["CREATED", "CANCEL_REQUESTED", "CANCELED"]);
  } finally {
    await dest.close();
  }
});

test("bulk cancel by ids, by filter and all return exact counts", async () => {
  const dest = await startReceiver();
  try {
    const label = "cancel-" + uid();
    const ids = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await client.publish({ url: dest.url(`/bulk-${i}`), body: "x", delay: 60, label })).messageId);
    }
    assert.deepEqual(await client.messages.cancel([ids[0], ids[1]]), { cancelled: 2 });
    const other = "other-" + uid();
    const a = (await client.publish({ url: dest.url("/f1"), body: "x", delay: 60, label: other })).messageId;
    const b = (await client.publish({ url: dest.url("/f2"), body: "x", delay: 60, label: other })).messageId;
    assert.deepEqual(await client.messages.cancel({ filter: { label: other }, count: 1 }), { cancelled: 1 });
    assert.deepEqual(await client.messages.cancel({ filter: { label: other } }), { cancelled: 1 });
    const byPath = (await client.publish({ url: dest.url("/path-" + uid()), body: "x", delay: 60 })).messageId;
    const m = await client.messages.get(byPath);
    assert.deepEqual(await client.messages.cancel({ filter: { path: new URL(m.url).pathname } }), { cancelled: 1 });
    const all = await client.messages.cancel({ all: true });
    assert.ok(all.cancelled >= 1, JSON.stringify(all));
    for (const id of [...ids, a, b, byPath]) {
      await assert.rejects(client.messages.get(id));
    }
  } finally {
    await dest.close();
  }
});
