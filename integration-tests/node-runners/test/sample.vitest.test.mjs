import { Client } from "@upstash/qstash";
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest";
import sample from "./app.cjs";

const { startApp, postbox } = sample;
// Each scenario would take 12 s, 10 min or 1 h in real time; the bound proves the clock was
// advanced, loose enough for a loaded CI machine (on an idle one each takes 0.2 to 0.7 s).
const WALL_LIMIT_MS = 5000;
let app;
let client;

beforeAll(async () => {
  app = await startApp();
  client = new Client({ baseUrl: process.env.QSTASH_URL, token: process.env.QSTASH_TOKEN });
  // One delivery first: a fresh server (and this process) runs its first delivery cold.
  await client.publishJSON({ url: app.url("/api/warm-up"), body: {} });
  await postbox.flush();
});
afterAll(() => app.close());
beforeEach(async () => {
  await postbox.reset();
  app.clear();
});

test("a reminder delayed by an hour arrives once the clock is advanced an hour", async () => {
  const started = Date.now();
  await client.publishJSON({ url: app.url("/api/remind"), body: { order: 1 }, delay: "1h" });
  expect(await postbox.flush()).toEqual([]);
  await postbox.advance("1h");
  await postbox.flush();
  expect(app.received("/api/remind")).toMatchObject([{ body: '{"order":1}', verified: true }]);
  expect(Date.now() - started).toBeLessThan(WALL_LIMIT_MS);
});

test("a failing route is retried three times, then dead-lettered with its failure callback", async () => {
  const started = Date.now();
  const { messageId } = await client.publishJSON({
    url: app.url("/api/charge"),
    body: { order: 2 },
    retries: 3,
    failureCallback: app.url("/api/failed"),
  });
  await postbox.advance("1h"); // backoffs of 12 s, 2.5 min and 30 min, each taken in turn
  await postbox.flush();
  expect(app.received("/api/charge").map((r) => r.retried)).toEqual(["0", "1", "2", "3"]);
  expect(app.received("/api/failed")).toMatchObject([{ verified: true }]);
  const dlq = await client.dlq.listMessages();
  expect(dlq.messages.map((m) => m.messageId)).toContain(messageId);
  expect(Date.now() - started).toBeLessThan(WALL_LIMIT_MS);
});

test("a cron schedule every five minutes fires twice in ten minutes", async () => {
  const started = Date.now();
  await client.schedules.create({ destination: app.url("/api/cron"), cron: "*/5 * * * *" });
  await postbox.advance("10m");
  await postbox.flush();
  expect(app.received("/api/cron")).toHaveLength(2);
  expect(Date.now() - started).toBeLessThan(WALL_LIMIT_MS);
});
