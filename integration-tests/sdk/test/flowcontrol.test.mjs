// Flow control (docs/api.md#flow-control) through the official SDK: parallelism and rate per key, the management API
// (get, pause, resume, pin, unpin, resetRate) and global parallelism.
import { test } from "node:test";
import assert from "node:assert/strict";
import { QstashError } from "@upstash/qstash";
import { client, uid, startReceiver, waitFor, api, assertClientError } from "./helpers.mjs";

/** A receiver holding each request `holdMs`, tracking the most requests open at once. */
async function holdingReceiver(holdMs) {
  let open = 0;
  let maxOpen = 0;
  const dest = await startReceiver(() => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    setTimeout(() => open--, holdMs);
    return { delayMs: holdMs };
  });
  return { ...dest, maxOpen: () => maxOpen };
}

test("parallelism: at most N of a key in flight, across destinations; the key exists at once", async () => {
  const dest = await holdingReceiver(200);
  const key = `par-${uid()}`;
  try {
    const sends = [];
    for (let i = 0; i < 8; i++) {
      sends.push(
        client.publish({ url: dest.url(`/f/${i % 2}/${i}`), body: String(i), flowControl: { key, parallelism: 2 } }),
      );
    }
    await Promise.all(sends);
    const k = await client.flowControl.get(key);
    assert.equal(k.flowControlKey, key);
    assert.equal(k.parallelismMax, 2);
    for (const f of ["waitListSize", "parallelismCount", "rateMax", "rateCount", "ratePeriod", "ratePeriodStart"]) {
      assert.equal(typeof k[f], "number", f);
    }
    assert.equal(k.isPaused, false);
    await waitFor(() => dest.requests.length === 8, { timeoutMs: 15_000, what: "8 deliveries" });
    assert.ok(dest.maxOpen() <= 2, `max in flight ${dest.maxOpen()}`);
    assert.equal(dest.maxOpen(), 2, "the limit is used");
    await waitFor(async () => (await client.flowControl.get(key)).parallelismCount === 0, { what: "count 0" });
  } finally {
    await dest.close();
  }
});

test("rate: at most N starts per period", async () => {
  const dest = await startReceiver();
  const key = `rate-${uid()}`;
  try {
    await client.batchJSON(
      Array.from({ length: 9 }, (_, i) => ({ url: dest.url(`/r/${i}`), body: { i }, flowControl: { key, rate: 3, period: 1 } })),
    );
    await waitFor(() => dest.requests.length === 9, { timeoutMs: 15_000, what: "9 deliveries" });
    const at = dest.requests.map((r) => r.at).sort((a, b) => a - b);
    for (let i = 0; i < at.length; i++) {
      const inWindow = at.filter((t) => t >= at[i] && t < at[i] + 950).length;
      assert.ok(inWindow <= 3, `${inWindow} starts within 950 ms of ${at[i] - at[0]}`);
    }
    assert.ok(at[8] - at[0] >= 1900, `9 starts at 3/s took only ${at[8] - at[0]} ms`);
    const k = await client.flowControl.get(key);
    assert.equal(k.rateMax, 3);
    assert.equal(k.ratePeriod, 1);
    assert.ok(k.ratePeriodStart > 1_600_000_000 && k.ratePeriodStart < 10_000_000_000, "unix seconds");
  } finally {
    await dest.close();
  }
});

test("pause holds the waitlist, pin and unpin override messages, resetRate, resume delivers", async () => {
  const dest = await startReceiver();
  const key = `mgmt-${uid()}`;
  try {
    await client.publish({ url: dest.url("/m/0"), body: "0", flowControl: { key, parallelism: 1 } });
    await waitFor(() => dest.requests.length === 1, { what: "the first delivery" });

    await client.flowControl.pause(key);
    assert.equal((await client.flowControl.get(key)).isPaused, true);
    await client.publish({ url: dest.url("/m/1"), body: "1", flowControl: { key, parallelism: 1 } });
    await client.publish({ url: dest.url("/m/2"), body: "2", flowControl: { key, parallelism: 1 } });
    await waitFor(async () => (await client.flowControl.get(key)).waitListSize === 2, { what: "2 waiting" });
    await client.publish({ url: dest.url("/marker"), body: "m" }); // unrelated messages still flow
    await waitFor(() => dest.on("/marker").length === 1, { what: "the unrelated marker" });
    assert.equal(dest.requests.filter((r) => r.path.startsWith("/m/")).length, 1);

    await client.flowControl.pin(key, { parallelism: 3, rate: 20, period: 120 });
    let k = await client.flowControl.get(key);
    assert.equal(k.parallelismMax, 3);
    assert.equal(k.rateMax, 20);
    assert.equal(k.ratePeriod, 120);
    assert.equal(k.isPinnedParallelism, true);
    assert.equal(k.isPinnedRate, true);
    // A message bringing other values does not change a pinned key.
    await client.publish({ url: dest.url("/m/3"), body: "3", flowControl: { key, parallelism: 1, rate: 1 } });
    k = await client.flowControl.get(key);
    assert.equal(k.parallelismMax, 3);
    assert.equal(k.rateMax, 20);

    await client.flowControl.unpin(key, { parallelism: true, rate: false });
    k = await client.flowControl.get(key);
    assert.equal(k.isPinnedParallelism, false);
    assert.equal(k.isPinnedRate, true);
    assert.equal(k.parallelismMax, 3, "unpinned values stay until a message brings others");

    await client.flowControl.resetRate(key);
    k = await client.flowControl.get(key);
    assert.equal(k.rateCount, 0);

    await client.flowControl.resume(key);
    await waitFor(() => dest.requests.filter((r) => r.path.startsWith("/m/")).length === 4, {
      what: "the waitlist delivered after resume",
    });
    k = await waitFor(async () => {
      const got = await client.flowControl.get(key);
      return got.waitListSize === 0 && got;
    }, { what: "an empty waitlist" });
    assert.equal(k.isPaused, false);
    assert.ok(k.rateCount >= 3, `rateCount ${k.rateCount}`);

    const list = await api("GET", `/v2/flowControl?search=${key}`);
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.map((x) => x.flowControlKey), [key]);
  } finally {
    await dest.close();
  }
});

test("global parallelism, unknown keys and bad values", async () => {
  const g = await client.flowControl.getGlobalParallelism();
  assert.ok(g.parallelismMax > 0);
  assert.equal(typeof g.parallelismCount, "number");
  await assert.rejects(client.flowControl.get(`missing-${uid()}`), (e) => e instanceof QstashError && e.status === 404);
  const key = `bad-${uid()}`;
  await client.publish({ url: "http://127.0.0.1:9/x", body: "x", delay: 3600, flowControl: { key, rate: 5 } });
  assertClientError(await api("POST", `/v2/flowControl/${key}/pin?parallelism=zero`), 400, "parallelism");
  assertClientError(await api("POST", `/v2/flowControl/${key}/unpin?rate=maybe`), 400, "rate");
  assertClientError(await api("POST", `/v2/flowControl/${key}/pin`), 400, "pin");
  assertClientError(
    await api("POST", "/v2/publish/http://127.0.0.1:9/x", {
      headers: { "Upstash-Flow-Control-Key": key, "Upstash-Flow-Control-Value": "parallelism=-1" },
      body: "x",
    }),
    400,
    "flow-control",
  );
});
