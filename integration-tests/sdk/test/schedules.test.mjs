// Schedules (docs/api.md#schedules) through the official SDK. The suite's server runs with the test-only
// --cron-seconds option, so a 6-field expression with a leading seconds field fires within
// seconds; everything else uses the standard 5 fields.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client, QstashError } from "@upstash/qstash";
import {
  client,
  BASE_URL,
  USER2,
  uid,
  sleep,
  startReceiver,
  waitFor,
  assertSigned,
  api,
  assertClientError,
} from "./helpers.mjs";

test("create with every option, get, list, pause, resume, replace by id, delete", async () => {
  const id = `sched-${uid()}`;
  const destination = "http://127.0.0.1:9/cron/" + id;
  const created = await client.schedules.create({
    destination,
    scheduleId: id,
    cron: "*/10 * * * * ",
    body: JSON.stringify({ hello: "world" }),
    headers: { "Test-Header": "test-value" },
    method: "PUT",
    delay: 10,
    retries: 5,
    retryDelay: "pow(retried, 2) * 1000",
    timeout: 30,
    callback: "http://127.0.0.1:9/cb",
    failureCallback: "http://127.0.0.1:9/failed",
    queueName: "scheduleQueue",
    label: "schedule-label",
  });
  assert.equal(created.scheduleId, id);

  const s = await client.schedules.get(id);
  assert.equal(s.scheduleId, id);
  assert.equal(s.cron, "*/10 * * * *", "the expression is stored trimmed");
  assert.equal(s.destination, destination);
  assert.equal(s.method, "PUT");
  assert.deepEqual(s.header, { "Content-Type": ["application/json"], "Test-Header": ["test-value"] });
  assert.equal(s.body, JSON.stringify({ hello: "world" }));
  assert.equal(s.retries, 5);
  assert.equal(s.delay, 10);
  assert.equal(s.timeout, 30);
  assert.equal(s.callback, "http://127.0.0.1:9/cb");
  assert.equal(s.failureCallback, "http://127.0.0.1:9/failed");
  assert.equal(s.retryDelayExpression, "pow(retried, 2) * 1000");
  assert.equal(s.queueName, "scheduleQueue");
  assert.equal(s.label, "schedule-label");
  assert.equal(s.isPaused, false);
  assert.equal(typeof s.createdAt, "number");
  assert.equal(s.callerIp, "127.0.0.1");
  const next = new Date(s.nextScheduleTime);
  assert.ok(s.nextScheduleTime > Date.now(), "next tick is in the future");
  assert.equal(next.getUTCMinutes() % 10, 0);
  assert.equal(next.getUTCSeconds(), 0);

  assert.ok((await client.schedules.list()).some((x) => x.scheduleId === id));

  await client.schedules.pause({ schedule: id });
  assert.equal((await client.schedules.get(id)).isPaused, true);
  await client.schedules.pause({ schedule: id }); // idempotent
  await client.schedules.resume({ schedule: id });
  assert.equal((await client.schedules.get(id)).isPaused, false);

  // Re-creating with the same id replaces it entirely: fields not sent are cleared.
  await client.schedules.create({ destination: destination + "/v2", scheduleId: id, cron: "1 1 1 1 1" });
  const replaced = await client.schedules.get(id);
  assert.equal(replaced.cron, "1 1 1 1 1");
  assert.equal(replaced.destination, destination + "/v2");
  assert.equal(replaced.body, undefined);
  assert.equal(replaced.method, "POST");
  assert.equal(replaced.retries, 3);
  assert.equal(replaced.delay, undefined);
  assert.equal(replaced.callback, undefined);
  assert.equal((await client.schedules.list()).filter((x) => x.scheduleId === id).length, 1);

  await client.schedules.delete(id);
  await assert.rejects(client.schedules.get(id), (e) => e instanceof QstashError && e.status === 404);
  assert.ok(!(await client.schedules.list()).some((x) => x.scheduleId === id));
});

test("invalid cron expressions and schedule ids are 400s that say what is wrong", async () => {
  const destination = "http://127.0.0.1:9/x";
  for (const [cron, mentions] of [
    ["61 * * * *", "minute value 61 is out of range"],
    ["* * * *", "4 fields"],
    ["0 0 30 2 *", "never fires"],
    ["CRON_TZ=Nowhere/Atlantis 0 4 * * *", "unknown time zone"],
    ["*/0 * * * *", "step"],
  ]) {
    await assert.rejects(client.schedules.create({ destination, cron }), (e) => {
      assert.ok(e instanceof QstashError, String(e));
      assert.equal(e.status, 400);
      assert.match(e.message, new RegExp(mentions));
      return true;
    });
  }
  assertClientError(
    await api("POST", `/v2/schedules/${destination}`, { headers: { "Upstash-Cron": "* * * * *", "Upstash-Schedule-Id": "bad id!" } }),
    400,
    "upstash-schedule-id",
  );
  assertClientError(await api("POST", `/v2/schedules/${destination}`), 400, "upstash-cron is required");
  assertClientError(
    await api("POST", `/v2/schedules/${destination}`, {
      headers: { "Upstash-Cron": "* * * * *", "Upstash-Not-Before": "2000000000" },
    }),
    400,
    "not-before",
  );
  assertClientError(await api("GET", `/v2/schedules/scd_missing`), 404, "not found");
  assertClientError(await api("DELETE", `/v2/schedules/scd_missing`), 404, "not found");
  assertClientError(await api("PATCH", `/v2/schedules/scd_missing/pause`), 404, "not found");
});

test("a tick is delivered as a signed message with Upstash-Schedule-Id, and lastScheduleStates follows it", async () => {
  const dest = await startReceiver();
  try {
    const url = dest.url("/cron");
    const { scheduleId } = await client.schedules.create({
      destination: url,
      cron: "*/2 * * * * *",
      body: "tick",
      headers: { "X-App": "a" },
    });
    const [first] = await waitFor(() => dest.requests.length >= 1 && dest.requests, { what: "first tick" });
    await assertSigned(first, url);
    assert.equal(first.headers["upstash-schedule-id"], scheduleId);
    assert.equal(first.headers["x-app"], "a");
    assert.equal(first.body.toString(), "tick");
    assert.equal(first.at % 2000 < 1000, true, `ticks fire within 1 s of their due time (at ${first.at})`);

    const messageId = first.headers["upstash-message-id"];
    const s = await waitFor(
      async () => {
        const x = await client.schedules.get(scheduleId);
        return x.lastScheduleStates?.[messageId] === "SUCCESS" && x;
      },
      { what: "lastScheduleStates SUCCESS" },
    );
    assert.ok(s.lastScheduleTime >= first.at - 1000 && s.lastScheduleTime <= first.at);
    assert.ok(s.nextScheduleTime > s.lastScheduleTime);
    const logs = await client.logs({ filter: { messageId } });
    assert.ok(logs.logs.some((l) => l.scheduleId === scheduleId));

    await client.schedules.delete(scheduleId);
    const seen = dest.requests.length;
    await sleep(2500); // more than a tick: nothing fires after the delete
    assert.equal(dest.requests.length, seen);
  } finally {
    await dest.close();
  }
});

test("a paused schedule does not fire; resumed, it does", async () => {
  const dest = await startReceiver();
  try {
    const { scheduleId } = await client.schedules.create({ destination: dest.url("/p"), cron: "* * * * * *" });
    await client.schedules.pause({ schedule: scheduleId });
    const seen = dest.requests.length; // a tick may have fired between create and pause
    await sleep(2500);
    assert.equal(dest.requests.length, seen, "no ticks while paused");
    const paused = await client.schedules.get(scheduleId);
    assert.ok(paused.nextScheduleTime > Date.now() - 1000, "the next fire time keeps advancing");
    await client.schedules.resume({ schedule: scheduleId });
    await waitFor(() => dest.requests.length > seen, { what: "a tick after resume" });
    await client.schedules.delete(scheduleId);
  } finally {
    await dest.close();
  }
});

test("Upstash-Cron on /v2/publish creates a schedule; schedules are per tenant", async () => {
  const res = await api("POST", "/v2/publish/http://127.0.0.1:9/legacy", {
    headers: { "Upstash-Cron": "0 4 * * *", "Content-Type": "text/plain" },
    body: "legacy",
  });
  assert.equal(res.status, 200, res.text);
  const id = res.json.scheduleId;
  assert.match(id, /^scd_/);
  assert.equal((await client.schedules.get(id)).cron, "0 4 * * *");

  const other = new Client({ baseUrl: BASE_URL, token: USER2.token });
  await assert.rejects(other.schedules.get(id), (e) => e.status === 404);
  assert.ok(!(await other.schedules.list()).some((x) => x.scheduleId === id));
  await assert.rejects(other.schedules.delete(id), (e) => e.status === 404);
  await client.schedules.delete(id);
});
