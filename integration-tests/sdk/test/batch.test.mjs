// Batch (docs/api.md#batch) through the official SDK.
import { test } from "node:test";
import assert from "node:assert/strict";
import { client, uid, startReceiver, waitFor, assertSigned, api, assertClientError } from "./helpers.mjs";

test("a batch mixes URL and URL-group entries; results align 1:1 with the input", async () => {
  const dest = await startReceiver();
  const name = `batch-${uid()}`;
  try {
    await client.urlGroups.addEndpoints({ name, endpoints: [{ url: dest.url("/g1") }, { url: dest.url("/g2") }] });
    const res = await client.batchJSON([
      { url: dest.url("/one"), body: { n: 1 } },
      { urlGroup: name, body: { n: 2 } },
      { url: dest.url("/three?x=1"), body: { n: 3 }, headers: { "X-Three": "3" }, delay: 1 },
    ]);
    assert.equal(res.length, 3);
    assert.equal(res[0].url, dest.url("/one"));
    assert.ok(Array.isArray(res[1]) && res[1].length === 2, "a group entry answers a nested array");
    assert.deepEqual(res[1].map((r) => r.url).sort(), [dest.url("/g1"), dest.url("/g2")]);
    assert.equal(res[2].url, dest.url("/three?x=1"));

    for (const path of ["/one", "/g1", "/g2", "/three?x=1"]) {
      const [rec] = await waitFor(() => dest.on(path).length === 1 && dest.on(path), { what: `delivery to ${path}` });
      await assertSigned(rec, dest.url(path));
    }
    const three = dest.on("/three?x=1")[0];
    assert.equal(three.headers["x-three"], "3");
    assert.equal(JSON.parse(three.body.toString()).n, 3);
    assert.equal(dest.on("/g1")[0].headers["upstash-topic-name"], name);
  } finally {
    await client.urlGroups.delete(name).catch(() => {});
    await dest.close();
  }
});

test("a bad entry becomes an error object; the others are stored", async () => {
  const dest = await startReceiver();
  try {
    const res = await api("POST", "/v2/batch", {
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify([
        { destination: dest.url("/ok"), body: "fine" },
        { destination: "http://127.0.0.1:9/x", headers: { "Upstash-Delay": "soon" } },
        { destination: `missing-group-${uid()}` },
        { headers: {} },
        { destination: dest.url("/dedup"), headers: { "Upstash-Deduplication-Id": "b-" + uid() }, body: "d" },
      ]),
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.length, 5);
    assert.ok(res.json[0].messageId);
    assert.match(res.json[1].error, /Upstash-Delay/);
    assert.match(res.json[2].error, /not found/);
    assert.match(res.json[3].error, /destination/);
    assert.ok(res.json[4].messageId);
    await waitFor(() => dest.on("/ok").length === 1 && dest.on("/dedup").length === 1, { what: "the good entries" });
  } finally {
    await dest.close();
  }
  assertClientError(await api("POST", "/v2/batch", { body: "{}" }), 400, "json array");
  assertClientError(await api("POST", "/v2/batch", { body: "[" }), 400, "json");
  const empty = await api("POST", "/v2/batch", { body: "[]" });
  assert.equal(empty.status, 200);
  assert.deepEqual(empty.json, []);
});
