// URL groups (docs/api.md#url-groups) through the official SDK: endpoints, fan-out on publish and on schedules.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client, QstashError } from "@upstash/qstash";
import { client, BASE_URL, USER2, uid, startReceiver, waitFor, assertSigned, api, assertClientError } from "./helpers.mjs";

test("add, get, list, update, remove endpoints; removing the last one deletes the group", async () => {
  const name = `group-${uid()}`;
  await client.urlGroups.addEndpoints({
    name,
    endpoints: [{ name: "first", url: "https://oz.requestcatcher.com" }, { url: "http://127.0.0.1:9/b?x=1" }],
  });
  const g = await client.urlGroups.get(name);
  assert.equal(g.name, name);
  assert.deepEqual(g.endpoints, [
    { name: "first", url: "https://oz.requestcatcher.com" },
    { url: "http://127.0.0.1:9/b?x=1" },
  ]);
  assert.equal(typeof g.createdAt, "number");
  assert.ok((await client.urlGroups.list()).some((x) => x.name === name));

  // Same url: updated, not added twice; a new url: added.
  await client.urlGroups.addEndpoints({
    name,
    endpoints: [{ name: "second", url: "http://127.0.0.1:9/b?x=1" }, { url: "http://127.0.0.1:9/c" }],
  });
  const g2 = await client.urlGroups.get(name);
  assert.deepEqual(g2.endpoints, [
    { name: "first", url: "https://oz.requestcatcher.com" },
    { name: "second", url: "http://127.0.0.1:9/b?x=1" },
    { url: "http://127.0.0.1:9/c" },
  ]);
  assert.equal(g2.createdAt, g.createdAt);

  await client.urlGroups.removeEndpoints({ name, endpoints: [{ name: "first" }, { url: "http://127.0.0.1:9/c" }] });
  assert.deepEqual((await client.urlGroups.get(name)).endpoints, [{ name: "second", url: "http://127.0.0.1:9/b?x=1" }]);
  await client.urlGroups.removeEndpoints({ name, endpoints: [{ name: "second" }] });
  await assert.rejects(client.urlGroups.get(name), (e) => e instanceof QstashError && e.status === 404);

  await client.urlGroups.addEndpoints({ name, endpoints: [{ url: "http://127.0.0.1:9/d" }] });
  await client.urlGroups.delete(name);
  await assert.rejects(client.urlGroups.get(name), (e) => e.status === 404);
  await client.urlGroups.delete(name); // deleting a group that is gone succeeds, as on the hosted service
});

test("publishing to a group fans out: one signed, independent message per endpoint", async () => {
  const dest = await startReceiver((rec) => (rec.path === "/broken" ? { status: 500 } : {}));
  const name = `fan-${uid()}`;
  try {
    await client.urlGroups.addEndpoints({
      name,
      endpoints: [{ name: "ok", url: dest.url("/ok") }, { url: dest.url("/broken") }],
    });
    const res = await client.publishJSON({ urlGroup: name, body: { n: 1 }, retries: 0 });
    assert.ok(Array.isArray(res), "a group publish answers a bare array");
    assert.equal(res.length, 2);
    assert.deepEqual(res.map((r) => r.url).sort(), [dest.url("/broken"), dest.url("/ok")].sort());
    assert.notEqual(res[0].messageId, res[1].messageId);

    const [ok] = await waitFor(() => dest.on("/ok").length === 1 && dest.on("/ok"), { what: "delivery to /ok" });
    await assertSigned(ok, dest.url("/ok"));
    assert.equal(ok.headers["upstash-topic-name"], name);
    assert.equal(JSON.parse(ok.body.toString()).n, 1);
    const okId = res.find((r) => r.url === dest.url("/ok")).messageId;
    assert.equal(ok.headers["upstash-message-id"], okId);

    // The failing endpoint goes to the DLQ on its own; the other is unaffected.
    const brokenId = res.find((r) => r.url === dest.url("/broken")).messageId;
    const dlq = await waitFor(
      async () => {
        const d = await client.dlq.listMessages({ filter: { messageId: brokenId } });
        return d.messages.length === 1 && d;
      },
      { what: "the broken endpoint's message in the DLQ" },
    );
    assert.equal(dlq.messages[0].urlGroup, name);
    const logs = await client.logs({ filter: { urlGroup: name, state: "DELIVERED" } });
    assert.deepEqual(logs.logs.map((l) => l.messageId), [okId]);
    assert.equal(logs.logs[0].endpointName, "ok");
  } finally {
    await client.urlGroups.delete(name).catch(() => {});
    await dest.close();
  }
});

test("a schedule to a group fans out every tick", async () => {
  const dest = await startReceiver();
  const name = `cron-${uid()}`;
  try {
    await client.urlGroups.addEndpoints({ name, endpoints: [{ url: dest.url("/a") }, { url: dest.url("/b") }] });
    const { scheduleId } = await client.schedules.create({ destination: name, cron: "* * * * * *", body: "tick" });
    assert.equal((await client.schedules.get(scheduleId)).destination, name);
    const [a] = await waitFor(() => dest.on("/a").length >= 1 && dest.on("/a"), { what: "tick at /a" });
    const [b] = await waitFor(() => dest.on("/b").length >= 1 && dest.on("/b"), { what: "tick at /b" });
    for (const [rec, path] of [[a, "/a"], [b, "/b"]]) {
      await assertSigned(rec, dest.url(path));
      assert.equal(rec.headers["upstash-topic-name"], name);
      assert.equal(rec.headers["upstash-schedule-id"], scheduleId);
    }
    const s = await waitFor(
      async () => {
        const x = await client.schedules.get(scheduleId);
        return Object.keys(x.lastScheduleStates ?? {}).length === 2 && x;
      },
      { what: "two messages in lastScheduleStates" },
    );
    assert.ok(s.lastScheduleTime > 0);
    await client.schedules.delete(scheduleId);
  } finally {
    await client.urlGroups.delete(name).catch(() => {});
    await dest.close();
  }
});

test("unknown groups, bad endpoints and other tenants' groups are clear errors", async () => {
  await assert.rejects(client.publish({ urlGroup: `missing-${uid()}`, body: "x" }), (e) => e instanceof QstashError && e.status === 404);
  const name = `bad-${uid()}`;
  assertClientError(await api("POST", `/v2/topics/${name}/endpoints`, { body: "{}" }), 400, "endpoints");
  assertClientError(await api("POST", `/v2/topics/${name}/endpoints`, { body: "not json" }), 400, "json");
  assertClientError(
    await api("POST", `/v2/topics/${name}/endpoints`, { body: JSON.stringify({ endpoints: [{ url: "ftp://x" }] }) }),
    400,
    "url",
  );
  assertClientError(
    await api("POST", `/v2/topics/${name}/endpoints`, { body: JSON.stringify({ endpoints: [{ name: "n" }] }) }),
    400,
    "url",
  );
  assertClientError(
    await api("POST", `/v2/topics/bad%20name/endpoints`, { body: JSON.stringify({ endpoints: [{ url: "http://a" }] }) }),
    400,
    "url group name",
  );
  assertClientError(
    await api("DELETE", `/v2/topics/${name}/endpoints`, { body: JSON.stringify({ endpoints: [{ url: "http://a" }] }) }),
    404,
    "not found",
  );

  await client.urlGroups.addEndpoints({ name, endpoints: [{ url: "http://127.0.0.1:9/x" }] });
  const other = new Client({ baseUrl: BASE_URL, token: USER2.token });
  await assert.rejects(other.urlGroups.get(name), (e) => e.status === 404);
  assert.ok(!(await other.urlGroups.list()).some((g) => g.name === name));
  await assert.rejects(other.publish({ urlGroup: name, body: "x" }), (e) => e.status === 404);
  await client.urlGroups.delete(name);
});
