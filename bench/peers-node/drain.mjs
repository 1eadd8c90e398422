// The drain figure: `--count` messages, each one HTTP POST of the 256-byte body to the receiver,
// timed from when delivery may start until the receiver has counted them all.
//   --target postbox  publish them with /v2/batch (100 a request), all due at the same second T
//                     (Upstash-Not-Before), a few seconds ahead; timed from T.
//   --target bullmq   addBulk them (100 a call) into a queue while no worker runs; then one Worker
//                     (`--concurrency` jobs at once) POSTs each job's body to its url; timed from
//                     worker.run().
// Prints {messages, seconds, per_s, cpu_s, filled_before_start}. cpu_s: utime+stime of
// `--cpu-pids` in the timed window, plus (bullmq) this process's own, i.e. the worker's.
import http from "node:http";
import { Queue, Worker } from "bullmq";
import { args, BODY, cpuSeconds, pidList, receiverStats, sleep, TOKEN } from "./common.mjs";

const a = args();
const count = Number(a.count ?? 50000);
const pids = pidList(a["cpu-pids"]);
const clkTck = Number(a["clk-tck"] ?? 100);
const receiver = a.receiver;
const destination = `${receiver}/drain`;
const selfCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Runs `task(i)` for i in [0, n), `parallel` at a time. */
async function inParallel(n, parallel, task) {
  let next = 0;
  const lane = async () => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: parallel }, lane));
}

function request(url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", agent, headers }, (res) => {
      res.resume();
      res.on("end", () =>
        res.statusCode === 200 ? resolve() : reject(new Error(`${url}: ${res.statusCode}`)),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: Number(a.concurrency ?? 64) });
await request(`${receiver}/__reset`, {}, "");
const batches = Math.ceil(count / 100);
const sizeOf = (i) => Math.min(100, count - i * 100);
let start;
let cpu0;
let filledBeforeStart;
let worker;

if (a.target === "postbox") {
  const dueSecond = Math.ceil(Date.now() / 1000) + Number(a.lead ?? 5);
  const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
  await inParallel(batches, 16, (i) => {
    const entry = { destination, headers: { "Upstash-Not-Before": String(dueSecond) }, body: BODY };
    return request(`${a.server}/v2/batch`, headers, JSON.stringify(Array(sizeOf(i)).fill(entry)));
  });
  start = dueSecond * 1000;
  filledBeforeStart = Date.now() < start;
  await sleep(Math.max(0, start - Date.now()));
  cpu0 = cpuSeconds(pids, clkTck);
} else {
  const connection = { host: "127.0.0.1", port: Number(a.redis) };
  const queue = new Queue("drain", { connection });
  const job = { name: "deliver", data: { url: destination, body: BODY } };
  await inParallel(batches, 16, (i) => queue.addBulk(Array(sizeOf(i)).fill(job)));
  await queue.close();
  worker = new Worker("drain", (j) => request(j.data.url, {}, j.data.body), {
    connection,
    concurrency: Number(a.concurrency ?? 64),
    autorun: false,
  });
  await worker.waitUntilReady();
  filledBeforeStart = true;
  cpu0 = cpuSeconds(pids, clkTck) + selfCpu();
  start = Date.now();
  worker.run();
}

const deadline = Date.now() + 600_000;
let stats = await receiverStats(receiver);
while (stats.count < count) {
  if (Date.now() > deadline) throw new Error(`drain: only ${stats.count} of ${count} arrived`);
  await sleep(20);
  stats = await receiverStats(receiver);
}
const cpu = cpuSeconds(pids, clkTck) + (worker ? selfCpu() : 0) - cpu0;
const seconds = (stats.last - start) / 1000;
console.log(
  JSON.stringify({
    messages: count,
    seconds,
    per_s: count / seconds,
    cpu_s: cpu,
    filled_before_start: filledBeforeStart,
  }),
);
if (worker) await worker.close();
agent.destroy();
