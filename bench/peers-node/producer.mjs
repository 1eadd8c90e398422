// BullMQ's side of the throughput figures: `--concurrency` operations in flight for `--seconds`
// after `--warmup` seconds, closed loop, one Queue (one ioredis connection) as an app would have.
//   --mode add    queue.add of one job {url, body}
//   --mode bulk   queue.addBulk of `--bulk` such jobs (messages = ops x bulk)
//   --mode ping   ioredis PING (the producer's and the protocol's own ceiling)
// Prints {ops, messages, seconds, per_s, cpu_s, cpu_self_s}: cpu_s is utime+stime of `--cpu-pids`
// in the measured window, cpu_self_s this process's own (the client side of each job: BullMQ's
// Queue code and ioredis). No worker runs: the jobs wait in the queue, as Postbox's delayed messages do.
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { args, BODY, cpuSeconds, pidList } from "./common.mjs";

const a = args();
const connection = { host: "127.0.0.1", port: Number(a.redis) };
const concurrency = Number(a.concurrency ?? 64);
const bulk = Number(a.bulk ?? 100);
const pids = pidList(a["cpu-pids"]);
const clkTck = Number(a["clk-tck"] ?? 100);
const data = { url: a.url, body: BODY };

const queue = new Queue(a.queue ?? "enqueue", { connection });
const redis = new Redis(connection);
await queue.waitUntilReady();
const jobs = Array.from({ length: bulk }, () => ({ name: "deliver", data }));
const op = {
  add: () => queue.add("deliver", data),
  bulk: () => queue.addBulk(jobs),
  ping: () => redis.ping(),
}[a.mode];
const perOp = a.mode === "bulk" ? bulk : 1;

async function run(seconds) {
  let ops = 0;
  const end = Date.now() + seconds * 1000;
  const lane = async () => {
    while (Date.now() < end) {
      await op();
      ops++;
    }
  };
  const cpu0 = cpuSeconds(pids, clkTck);
  const self0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, lane));
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const self = process.cpuUsage(self0);
  return {
    ops,
    elapsed,
    cpu: cpuSeconds(pids, clkTck) - cpu0,
    cpuSelf: (self.user + self.system) / 1e6,
  };
}

await run(Number(a.warmup ?? 3));
const r = await run(Number(a.seconds ?? 10));
const messages = r.ops * perOp;
console.log(
  JSON.stringify({
    ops: r.ops,
    messages,
    seconds: r.elapsed,
    per_s: messages / r.elapsed,
    cpu_s: r.cpu,
    cpu_self_s: r.cpuSelf,
  }),
);
await queue.close();
redis.disconnect();
