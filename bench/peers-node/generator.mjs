// The fixed-rate latency figure, the same generator on both sides: `--rate` sends a second for
// `--seconds` after `--warmup` seconds, open loop (a send is never held back by a slow answer),
// each latency counted from the send's scheduled time, so waiting behind a slow one counts too.
//   --target postbox  POST --url (a /v2/publish/... URL), 256-byte body, Upstash-Delay: 1h
//   --target bullmq   queue.add of {url, body} on --redis (no worker runs)
//   --target http     POST --url (the receiver): the generator's own floor over HTTP
//   --target ping     ioredis PING on --redis: its floor over the Redis protocol
// HTTP goes over common.mjs's LightHttp (keep-alive, up to 256 connections), Redis over one
// ioredis connection (pipelined), as BullMQ itself uses it.
// Prints {p50_ms, p99_ms, sent, errors, rate}.
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { args, BODY, LightHttp, percentile, sleep, TOKEN } from "./common.mjs";

const a = args();
const rate = Number(a.rate ?? 2000);
const warmup = Number(a.warmup ?? 3);
const seconds = Number(a.seconds ?? 10);
const connection = { host: "127.0.0.1", port: Number(a.redis) };

/** POSTs the body to --url over the light client; anything but 200 is an error. */
function poster(headers) {
  const url = new URL(a.url);
  const client = new LightHttp(url.origin, 256);
  const path = a.url.slice(url.origin.length);
  return [
    () => client.post(path, headers, BODY).then((s) => s === 200 || Promise.reject(s)),
    async () => client.close(),
  ];
}

let send;
let close = async () => {};
if (a.target === "postbox") {
  [send, close] = poster({ authorization: `Bearer ${TOKEN}`, "upstash-delay": "1h" });
} else if (a.target === "http") {
  [send, close] = poster({});
} else if (a.target === "bullmq") {
  const queue = new Queue(a.queue ?? "latency", { connection });
  await queue.waitUntilReady();
  const data = { url: a.url, body: BODY };
  send = () => queue.add("deliver", data);
  close = () => queue.close();
} else {
  const redis = new Redis(connection);
  send = () => redis.ping();
  close = async () => redis.disconnect();
}

const total = Math.round(rate * (warmup + seconds));
const skip = Math.round(rate * warmup);
const latencies = [];
let errors = 0;
let pending = 0;
const start = performance.now() + 10;
let next = 0;

await new Promise((done) => {
  const tick = () => {
    const now = performance.now();
    while (next < total && start + (next * 1000) / rate <= now) {
      const due = start + (next * 1000) / rate;
      const counted = next++ >= skip;
      pending++;
      send().then(
        () => counted && latencies.push(performance.now() - due),
        () => counted && errors++,
      ).finally(() => --pending === 0 && next === total && done());
    }
    if (next < total) setTimeout(tick, Math.max(0, start + (next * 1000) / rate - performance.now()));
  };
  tick();
});
latencies.sort((x, y) => x - y);
const round = (v) => Math.round(v * 100) / 100;
console.log(
  JSON.stringify({
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
    sent: total - skip,
    errors,
    rate: round(latencies.length / seconds),
  }),
);
await close();
await sleep(10);
