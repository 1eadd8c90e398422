import { test } from "node:test";
import assert from "node:assert/strict";
import { Client, QstashError, Receiver } from "@upstash/qstash";
import {
  BASE_URL,
  TOKEN,
  CURRENT_KEY,
  NEXT_KEY,
  USER2,
  client,
  api,
  assertClientError,
  assertSigned,
  startReceiver,
  waitFor,
} from "./helpers.mjs";

test("GET /v2/keys returns the signing keys; rotating a dev user's keys keeps them", async () => {
  const keys = await api("GET", "/v2/keys");
  assert.equal(keys.status, 200);
  assert.deepEqual(keys.json, { current: CURRENT_KEY, next: NEXT_KEY });
  const rotated = await api("POST", "/v2/keys/rotate");
  assert.deepEqual(rotated.json, { current: CURRENT_KEY, next: NEXT_KEY });
});

test("a wrong token is a 401 with a JSON error; qstash_token in the query authenticates", async () => {
  const bad = new Client({ baseUrl: BASE_URL, token: "wrong-token" });
  await assert.rejects(bad.publish({ url: "http://127.0.0.1:9/x", body: "x" }), (e) => {
    assert.ok(e instanceof QstashError);
    assert.equal(e.status, 401);
    assert.match(e.message, /"error"/);
    return true;
  });
  assertClientError(await api("GET", "/v2/keys", { token: null }), 401, "token");
  const viaQuery = await api("GET", `/v2/keys?qstash_token=${encodeURIComponent(TOKEN)}`, { token: null });
  assert.equal(viaQuery.status, 200);
});

test("tenants are isolated and each signs with its own keys", async () => {
  const dest = await startReceiver();
  try {
    const user2 = new Client({ baseUrl: BASE_URL, token: USER2.token });
    const url = dest.url("/user2");
    const { messageId } = await user2.publish({ url, body: "u2", delay: 1 });
    await assert.rejects(client.messages.get(messageId), (e) => e.status === 404);
    assert.equal((await user2.messages.get(messageId)).messageId, messageId);
    const [rec] = await waitFor(() => dest.requests.length === 1 && dest.requests, { what: "delivery" });
    await assertSigned(rec, url, new Receiver({ currentSigningKey: USER2.current, nextSigningKey: USER2.next }));
    const asUser1 = new Receiver({ currentSigningKey: CURRENT_KEY, nextSigningKey: NEXT_KEY });
    await assert.rejects(asUser1.verify({ signature: rec.headers["upstash-signature"], body: "u2", url }));
    assert.equal((await client.logs({ filter: { messageId } })).logs.length, 0);
  } finally {
    await dest.close();
  }
});

test("bad input gets a 4xx JSON error naming the problem, never a 5xx", async () => {
  const to = "/v2/publish/http://127.0.0.1:9/x";
  const h = (name, value) => ({ headers: { [name]: value }, body: "x" });
  assertClientError(await api("POST", to, h("Upstash-Delay", "soon")), 400, "upstash-delay");
  assertClientError(await api("POST", to, h("Upstash-Retries", "-1")), 400, "upstash-retries");
  assertClientError(await api("POST", to, h("Upstash-Retries", "abc")), 400, "upstash-retries");
  assertClientError(await api("POST", to, h("Upstash-Retry-Delay", "foo(1)")), 400, "upstash-retry-delay");
  assertClientError(await api("POST", to, h("Upstash-Retry-Delay", "1 +")), 400, "upstash-retry-delay");
  assertClientError(await api("POST", to, h("Upstash-Method", "FOO")), 400, "upstash-method");
  assertClientError(await api("POST", to, h("Upstash-Callback", "not a url")), 400, "callback");
  assertClientError(await api("POST", to, h("Upstash-Not-Before", "tomorrow")), 400, "upstash-not-before");
  assertClientError(await api("POST", "/v2/publish/notaurl^", { body: "x" }), 400, "destination");
  assertClientError(await api("POST", to, { body: Buffer.alloc(10 * 1024 * 1024 + 1) }), 413, "limit");
  assertClientError(await api("GET", "/v2/messages/msg_doesnotexist"), 404, "not found");
  assertClientError(await api("GET", "/v2/events?count=abc"), 400, "count");
  assertClientError(await api("DELETE", "/v2/messages?bogus=1"), 400, "bogus");
  const batch = await api("POST", "/v2/batch", { body: "{not json", headers: { "content-type": "application/json" } });
  assert.ok(batch.status >= 400 && batch.status < 500, `batch: ${batch.status}`);
  assert.ok(batch.json && batch.json.error);
});
