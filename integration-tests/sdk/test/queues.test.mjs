// Queues (docs/api.md#queues) through the official SDK: management, strict FIFO through retries and
// callbacks, parallelism N, pause/resume, batch and schedule entries, delete.
import { test } from "node:test";
import assert from "node:assert/strict";
import { QstashError } from "@upstash/qstash";
import { client, uid, startReceiver, waitFor, assertSigned, api, assertClientError, states } from "./helpers.mjs";

/**
 * A receiver that holds every request for `holdMs` and records, per request, how many requests
 * were open at once (including itself). `replyFor(rec, all)` may answer differently.
 */
async function holdingReceiver(holdMs, replyFor = () => ({})) {
  let open = 0;
  let maxOpen = 0;
  const dest = await startReceiver(async (rec, all) => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    rec.openAtStart = open;
    try {
      const r = (await replyFor(rec, all)) ?? {};
      return { delayMs: holdMs, ...r };
    } finally {
      // Decrement when the reply is sent: the delay runs before it, in startReceiver.
      setTimeout(() => open--, holdMs);
    }
  });
  return { ...dest, maxOpen: () => maxOpen };
}

test("upsert, get, list, pause, resume and delete a queue; the object has every field", async () => {
  const name = `q-${uid()}`;
  const queue = client.queue({ queueName: name });
  await queue.upsert({ parallelism: 2 });
  const q = await queue.get();
  assert.equal(q.name, name);
  assert.equal(q.parallelism, 2);
  assert.equal(q.lag, 0);
  assert.equal(q.paused, false);
  assert.equal(typeof q.createdAt, "number");
  assert.equal(typeof q.updatedAt, "number");
  assert.ok((await client.queue().list()).some((x) => x.name === name));

  await queue.pause();
  assert.equal((await queue.get()).paused, true);
  await queue.resume();
  assert.equal((await queue.get()).paused, false);
  await queue.upsert({ parallelism: 1, paused: true });
  const updated = await queue.get();
  assert.equal(updated.parallelism, 1);
  assert.equal(updated.paused, true);
  assert.equal(updated.createdAt, q.createdAt);

  await queue.delete();
  await assert.rejects(queue.get(), (e) => e instanceof QstashError && e.status === 404);
  await queue.delete(); // deleting an unknown queue is not an error

  assertClientError(await api("GET", "/v2/queues/bad%20name"), 400, "queue name");
  assertClientError(
    await api("POST", "/v2/queues", { body: JSON.stringify({ queueName: name, parallelism: 0 }) }),
    400,
    "parallelism",
  );
  assertClientError(await api("POST", "/v2/queues", { body: "{" }), 400);
  assertClientError(await api("POST", `/v2/queues/${name}/pause`), 404, "not found");
  assertClientError(await api("POST", "/v2/enqueue/only-a-queue"), 400, "enqueue");
});

test("parallelism 1 is strict FIFO through retries and callbacks, one request at a time", async () => {
  let failedOnce = false;
  const dest = await holdingReceiver(40, (rec) => {
    if (rec.path === "/q/3" && !failedOnce) {
      failedOnce = true;
      return { status: 500 };
    }
    return {};
  });
  const cb = await startReceiver(() => ({ delayMs: 300 }));
  const name = `fifo-${uid()}`;
  const queue = client.queue({ queueName: name });
  try {
    const ids = [];
    for (let i = 0; i < 8; i++) {
      const r = await queue.enqueue({
        url: dest.url(`/q/${i}`),
        body: String(i),
        retries: 2,
        retryDelay: "200",
        ...(i === 1 ? { callback: cb.url("/cb") } : {}),
      });
      ids.push(r.messageId);
    }
    assert.equal((await queue.get()).parallelism, 1, "created on first enqueue with parallelism 1");
    await waitFor(() => dest.requests.filter((r) => r.path === "/q/7").length === 1, {
      timeoutMs: 20_000,
      what: "the last message",
    });
    const order = dest.requests.map((r) => r.path);
    assert.deepEqual(order, ["/q/0", "/q/1", "/q/2", "/q/3", "/q/3", "/q/4", "/q/5", "/q/6", "/q/7"]);
    assert.equal(dest.maxOpen(), 1, "never two requests of the queue at once");
    // Message 2 waited for message 1's callback to be delivered (held 300 ms by its receiver).
    const cbDone = cb.requests[0].at + 300;
    const second = dest.requests.find((r) => r.path === "/q/2");
    assert.ok(second.at >= cbDone - 5, `message 2 at ${second.at} before the callback ended ${cbDone}`);
    for (const r of dest.requests) {
      await assertSigned(r, dest.url(r.path));
    }
    const m = await waitFor(async () => {
      const s = await states(ids[7]);
      return s.includes("DELIVERED") && s;
    });
    assert.ok(m);
    const q = await waitFor(async () => {
      const got = await queue.get();
      return got.lag === 0 && got;
    }, { what: "lag 0" });
    assert.equal(q.lag, 0);
  } finally {
    await dest.close();
    await cb.close();
    await queue.delete();
  }
});

test("parallelism 3 runs at most 3 at once, and does use them", async () => {
  const dest = await holdingReceiver(250);
  const name = `par-${uid()}`;
  const queue = client.queue({ queueName: name });
  try {
    await queue.upsert({ parallelism: 3 });
    await client.batchJSON(
      Array.from({ length: 12 }, (_, i) => ({ queueName: name, url: dest.url(`/p/${i}`), body: { i } })),
    );
    await waitFor(() => dest.requests.length === 12, { timeoutMs: 20_000, what: "12 deliveries" });
    assert.ok(dest.maxOpen() <= 3, `max in flight ${dest.maxOpen()}`);
    assert.ok(dest.maxOpen() >= 2, `parallelism unused: max in flight ${dest.maxOpen()}`);
    // Dispatch order is FIFO even with parallelism > 1.
    const firstThree = dest.requests.slice(0, 3).map((r) => r.path).sort();
    assert.deepEqual(firstThree, ["/p/0", "/p/1", "/p/2"]);
  } finally {
    await dest.close();
    await queue.delete();
  }
});

test("a paused queue accepts but delivers nothing; resume delivers in order; messages report queueName", async () => {
  const dest = await startReceiver();
  const name = `paused-${uid()}`;
  const queue = client.queue({ queueName: name });
  try {
    await queue.upsert({ paused: true });
    const ids = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await queue.enqueueJSON({ url: dest.url(`/z/${i}`), body: { i } })).messageId);
    }
    const msg = await client.messages.get(ids[0]);
    assert.equal(msg.queueName, name);
    // A message published after them to the same receiver arrives; the queued ones do not.
    await client.publish({ url: dest.url("/marker"), body: "m" });
    await waitFor(() => dest.on("/marker").length === 1, { what: "the marker" });
    assert.equal(dest.requests.filter((r) => r.path.startsWith("/z/")).length, 0);
    assert.equal((await queue.get()).lag, 3);
    assert.deepEqual(await states(ids[0]), ["CREATED"]);

    await queue.resume();
    await waitFor(() => dest.requests.filter((r) => r.path.startsWith("/z/")).length === 3, {
      what: "3 deliveries after resume",
    });
    assert.deepEqual(
      dest.requests.filter((r) => r.path.startsWith("/z/")).map((r) => r.path),
      ["/z/0", "/z/1", "/z/2"],
    );
  } finally {
    await dest.close();
    await queue.delete();
  }
});

test("batch entries with a queue, URL-group enqueue, and delete cancelling waiting messages", async () => {
  const dest = await startReceiver();
  const name = `mixed-${uid()}`;
  const group = `qgroup-${uid()}`;
  const queue = client.queue({ queueName: name });
  try {
    await queue.upsert({ paused: true });
    await client.urlGroups.addEndpoints({ name: group, endpoints: [{ url: dest.url("/g/a") }, { url: dest.url("/g/b") }] });
    const res = await client.batch([
      { queueName: name, url: dest.url("/b/0"), body: "0" },
      { url: dest.url("/plain"), body: "p" },
      { queueName: name, urlGroup: group, body: "g" },
    ]);
    assert.equal(res.length, 3);
    assert.ok(Array.isArray(res[2]) && res[2].length === 2);
    const grouped = await queue.enqueue({ urlGroup: group, body: "e" });
    assert.ok(Array.isArray(grouped) && grouped.length === 2);
    const m = await client.messages.get(res[2][0].messageId);
    assert.equal(m.queueName, name);
    assert.equal(m.topicName, group);
    await waitFor(() => dest.on("/plain").length === 1, { what: "the unqueued entry" });
    assert.equal((await queue.get()).lag, 5);

    await queue.delete();
    for (const id of [res[0].messageId, res[2][1].messageId, grouped[0].messageId]) {
      await assert.rejects(client.messages.get(id), (e) => e.status === 404);
      assert.deepEqual(await states(id), ["CREATED", "CANCEL_REQUESTED", "CANCELED"]);
    }
  } finally {
    await dest.close();
    await client.urlGroups.delete(group).catch(() => {});
  }
});

test("a schedule with queueName enqueues what it produces; cancelling a waiting message frees its place", async () => {
  const dest = await startReceiver();
  const name = `sq-${uid()}`;
  const queue = client.queue({ queueName: name });
  let scheduleId;
  try {
    await queue.upsert({ paused: true });
    ({ scheduleId } = await client.schedules.create({
      destination: dest.url("/tick"),
      cron: "* * * * * *",
      queueName: name,
    }));
    const lagged = await waitFor(async () => (await queue.get()).lag >= 2 && (await queue.get()), {
      what: "ticks waiting in the paused queue",
    });
    assert.ok(lagged.lag >= 2);
    await client.schedules.delete(scheduleId);
    scheduleId = undefined;
    assert.equal(dest.requests.length, 0);

    const waiting = (await client.messages.get(
      (await client.logs({ filter: { queueName: name, state: "CREATED" } })).logs[0].messageId,
    ));
    await client.messages.cancel(waiting.messageId);
    const lag = (await queue.get()).lag;
    await queue.resume();
    await waitFor(() => dest.requests.length === lag, { what: `${lag} ticks after resume` });
    assert.equal((await queue.get()).lag, 0);
  } finally {
    if (scheduleId) await client.schedules.delete(scheduleId);
    await dest.close();
    await queue.delete();
  }
});
