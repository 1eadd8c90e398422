// Drives Postbox's Redis REST API with the official @upstash/redis and @upstash/ratelimit, the way
// an app uses them. Run by RedisRestIT, one phase per run: `app` (everything while Redis is up),
// `down` (Redis was stopped: 503 with a JSON error), `up` (Redis was started again on the same
// port: commands work again without a restart of Postbox, polled for a bounded time).
// Env: UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN.
import assert from "node:assert/strict";
import { Redis } from "@upstash/redis";
import { Ratelimit } from "@upstash/ratelimit";

const url = process.env.UPSTASH_REDIS_REST_URL;
const token = process.env.UPSTASH_REDIS_REST_TOKEN;
const redis = new Redis({ url, token, retry: { retries: 0 } });
const phase = process.argv[2];
let checks = 0;

async function check(name, fn) {
  await fn();
  checks++;
  console.log(`ok ${name}`);
}

/** A raw request, for what the SDK hides: status codes and bodies. */
async function raw(path, body, headers = {}) {
  const res = await fetch(url + path, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, ...headers },
    body,
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    assert.fail(`not JSON (${res.status}): ${text}`);
  }
  return { status: res.status, json };
}

async function rejects(promise, pattern) {
  let error;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error, "expected an error");
  assert.match(String(error.message), pattern);
}

async function sleep(ms) {
  await new Promise((r) => setTimeout(r, ms));
}

/** Calls `limit` `n` times for one identifier: how many were allowed. */
async function allowed(limiter, id, n) {
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const r = await limiter.limit(id);
    if (r.success) ok++;
  }
  return ok;
}

function limiters(prefix) {
  const common = { redis, analytics: false, ephemeralCache: false };
  return {
    slidingWindow: new Ratelimit({ ...common, prefix: `${prefix}:sw`, limiter: Ratelimit.slidingWindow(5, "30 s") }),
    fixedWindow: new Ratelimit({ ...common, prefix: `${prefix}:fw`, limiter: Ratelimit.fixedWindow(5, "30 s") }),
    tokenBucket: new Ratelimit({ ...common, prefix: `${prefix}:tb`, limiter: Ratelimit.tokenBucket(1, "1 h", 5) }),
  };
}

async function commandStats() {
  const { json } = await raw("", JSON.stringify(["INFO", "commandstats"]));
  const calls = (name) => Number((json.result.match(new RegExp(`cmdstat_${name}:calls=(\\d+)`)) ?? [0, 0])[1]);
  return { eval: calls("eval"), evalsha: calls("evalsha") };
}

async function app() {
  await check("cache-aside: miss, set with a TTL, hit, invalidate", async () => {
    const key = "enghub:projects:list";
    await redis.del(key);
    assert.equal(await redis.get(key), null);
    const projects = [{ id: 1, name: "postbox" }, { id: 2, name: "enghub" }];
    assert.equal(await redis.set(key, projects, { ex: 3600 }), "OK");
    assert.deepEqual(await redis.get(key), projects);
    const ttl = await redis.ttl(key);
    assert.ok(ttl > 3590 && ttl <= 3600, `ttl ${ttl}`);
    assert.equal(await redis.del(key), 1);
    assert.equal(await redis.get(key), null);
  });

  await check("a short TTL expires in Redis", async () => {
    await redis.set("enghub:people:all", "everyone", { px: 150 });
    assert.equal(await redis.get("enghub:people:all"), "everyone");
    const until = Date.now() + 5000;
    while ((await redis.get("enghub:people:all")) !== null) {
      assert.ok(Date.now() < until, "the key did not expire");
      await sleep(50);
    }
  });

  await check("HGETALL comes back as an object", async () => {
    await redis.del("person:1");
    assert.equal(await redis.hset("person:1", { name: "Ann", role: "dev", age: 41 }), 3);
    assert.deepEqual(await redis.hgetall("person:1"), { name: "Ann", role: "dev", age: 41 });
    assert.equal(await redis.hgetall("person:none"), null);
  });

  await check("the path form with a query parameter", async () => {
    const res = await fetch(`${url}/set/path:key/hello%20there?EX=60`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { result: "OK" });
    assert.equal(await redis.get("path:key"), "hello there");
    assert.ok((await redis.ttl("path:key")) > 50);
  });

  await check("a pipeline", async () => {
    await redis.del("counter");
    const p = redis.pipeline();
    p.set("counter", 1);
    p.incr("counter");
    p.incrby("counter", 5);
    p.get("counter");
    assert.deepEqual(await p.exec(), ["OK", 2, 7, 7]);
    const { status, json } = await raw("/pipeline", JSON.stringify([["GET", "counter"], ["HGET", "counter", "f"]]));
    assert.equal(status, 200);
    assert.equal(json[0].result, "7");
    assert.match(json[1].error, /^WRONGTYPE/);
  });

  await check("a transaction", async () => {
    await redis.del("tx");
    const tx = redis.multi();
    tx.set("tx", "a");
    tx.append("tx", "b");
    tx.get("tx");
    assert.deepEqual(await tx.exec(), ["OK", 2, "ab"]);
    const aborted = await raw("/multi-exec", JSON.stringify([["SET", "tx"], ["GET", "tx"]]));
    assert.equal(aborted.status, 400);
    assert.match(aborted.json.error, /^EXECABORT/);
    assert.equal(await redis.get("tx"), "ab", "nothing of the aborted transaction ran");
  });

  const before = await commandStats();
  await check("ratelimit: each algorithm allows exactly its limit in a window", async () => {
    const l = limiters("rl1");
    for (const [name, limiter] of Object.entries(l)) {
      assert.equal(await allowed(limiter, "user-1", 8), 5, name);
      assert.equal(await allowed(limiter, "user-2", 3), 3, `${name}: another identifier has its own`);
    }
  });
  await check("ratelimit: scripts ran by EVALSHA of their original text after one NOSCRIPT each", async () => {
    const after = await commandStats();
    const evals = after.eval - before.eval;
    const evalshas = after.evalsha - before.evalsha;
    assert.ok(evalshas >= 33, `evalsha calls ${evalshas}`);
    console.log(`  eval ${evals}, evalsha ${evalshas}`);
    assert.ok(evals >= 1 && evals <= 6, `eval calls ${evals}: each script once, after its NOSCRIPT`);
  });

  await check("command errors reach the SDK with Redis's text", async () => {
    await redis.set("not-a-number", "abc");
    await rejects(redis.incr("not-a-number"), /ERR value is not an integer/);
    const { status, json } = await raw("", JSON.stringify(["NOSUCHCOMMAND", "x"]));
    assert.equal(status, 400);
    assert.match(json.error, /^ERR unknown command/);
  });

  await check("bad JSON, a non-array and an empty array are 400 with a JSON error", async () => {
    for (const body of ["{not json", '{"a":1}', "[]", '"GET"']) {
      const { status, json } = await raw("", body);
      assert.equal(status, 400, body);
      assert.equal(typeof json.error, "string", body);
    }
  });

  await check("blocking and connection-state commands are 400 naming them", async () => {
    for (const cmd of [["BLPOP", "q", "0"], ["SUBSCRIBE", "ch"], ["SELECT", "1"], ["XREAD", "BLOCK", "0", "STREAMS", "s", "$"]]) {
      const { status, json } = await raw("", JSON.stringify(cmd));
      assert.equal(status, 400, cmd[0]);
      assert.ok(json.error.includes(cmd[0]), json.error);
    }
  });

  await check("a bounded blocking pop runs and times out", async () => {
    const { status, json } = await raw("", JSON.stringify(["BLPOP", "empty-queue", "0.2"]));
    assert.equal(status, 200);
    assert.equal(json.result, null);
  });

  await check("base64 encodes strings element by element, not numbers or nulls", async () => {
    await redis.del("b64");
    await redis.rpush("b64", "héllo", "x");
    const { json } = await raw("/pipeline", JSON.stringify([["LRANGE", "b64", "0", "-1"], ["LLEN", "b64"], ["GET", "none"]]), {
      "upstash-encoding": "base64",
    });
    assert.deepEqual(json, [{ result: [Buffer.from("héllo").toString("base64"), "eA=="] }, { result: 2 }, { result: null }]);
  });

  await check("a wrong token is 401 with a JSON error", async () => {
    const res = await fetch(url, { method: "POST", headers: { authorization: "Bearer wrong" }, body: '["GET","k"]' });
    assert.equal(res.status, 401);
    assert.equal(typeof (await res.json()).error, "string");
  });
}

async function down() {
  await check("Redis down: 503 with a JSON error, and the SDK throws", async () => {
    const { status, json } = await raw("", JSON.stringify(["GET", "k"]));
    assert.equal(status, 503);
    assert.match(json.error, /redis/i);
    const pipeline = await raw("/pipeline", JSON.stringify([["GET", "k"]]));
    assert.equal(pipeline.status, 503);
    const tx = await raw("/multi-exec", JSON.stringify([["GET", "k"]]));
    assert.equal(tx.status, 503);
    await rejects(redis.get("k"), /redis/i);
  });
}

async function up() {
  await check("Redis back on the same port: commands work again (bounded wait)", async () => {
    const until = Date.now() + 20000;
    for (;;) {
      const { status } = await raw("", JSON.stringify(["PING"]));
      if (status === 200) break;
      assert.equal(status, 503);
      assert.ok(Date.now() < until, "Redis was not picked up again within 20 s");
      await sleep(100);
    }
    assert.equal(await redis.set("back", "again", { ex: 60 }), "OK");
    assert.equal(await redis.get("back"), "again");
  });
  await check("ratelimit again on the fresh Redis: its script cache is empty, NOSCRIPT then EVAL", async () => {
    const l = limiters("rl2");
    for (const [name, limiter] of Object.entries(l)) {
      assert.equal(await allowed(limiter, "user-1", 7), 5, name);
    }
  });
}

const phases = { app, down, up };
if (!phases[phase]) {
  console.error(`usage: node check.mjs app|down|up`);
  process.exit(2);
}
try {
  await phases[phase]();
  console.log(`# pass ${checks}`);
} catch (e) {
  console.error(`not ok after ${checks} checks:`, e);
  process.exit(1);
}
