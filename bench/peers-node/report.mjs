// Reads the per-round values bench/peers collected (lines "round side key value"), writes
// bench/results/peers.json with each side's median as the headline, and prints a markdown table.
//   node report.mjs <values.tsv> <peers.json> <machine.json> <mode>
import { readFileSync, writeFileSync } from "node:fs";

const [valuesFile, outFile, machineFile, mode] = process.argv.slice(2);
const SIDES = ["postbox", "bullmq_always", "bullmq_everysec"];
const FIGURES = [
  ["enqueue_64", "Enqueue, 64 concurrent", "messages/s", "higher"],
  ["batch_64", "Batch of 100, 64 concurrent", "messages/s", "higher"],
  ["drain", "Drain of 50,000 with one HTTP POST per job", "messages/s", "higher"],
  ["latency_p50", "Enqueue p50 at a fixed 2,000/s", "ms", "lower"],
  ["latency_p99", "Enqueue p99 at a fixed 2,000/s", "ms", "lower"],
  ["cpu_enqueue", "CPU s per 10k, enqueue", "s", "lower"],
  ["cpu_enqueue_client", "CPU s per 10k, enqueue, with the client (Postbox: + wrk; BullMQ: + the producer running queue.add)", "s", "lower"],
  ["cpu_drain", "CPU s per 10k, drain", "s", "lower"],
  ["ceiling_64", "Ceiling, 64 concurrent (Postbox: wrk GET /ready; BullMQ: Node producer PING)", "requests/s", "higher"],
  ["ceiling_receiver", "Ceiling: wrk POST of the body to the Node receiver", "requests/s", "higher"],
  ["floor_p50", "Generator floor p50 at 2,000/s (Postbox: POST to the receiver; BullMQ: PING)", "ms", "lower"],
  ["floor_p99", "Generator floor p99 at 2,000/s (Postbox: POST to the receiver; BullMQ: PING)", "ms", "lower"],
];

const values = {};
for (const line of readFileSync(valuesFile, "utf8").split("\n").filter(Boolean)) {
  const [round, side, key, value] = line.split("\t");
  ((values[key] ??= {})[side] ??= []).push([Number(round), Number(value)]);
}
const median = (xs) => {
  if (!xs || xs.length === 0) return null;
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round2 = (v) => (v === null ? null : Math.round(v * 100) / 100);

const figures = FIGURES.map(([key, name, unit, better]) => {
  const f = { key, name, unit, better, rounds: {} };
  for (const side of SIDES) {
    const perRound = (values[key]?.[side] ?? []).sort((x, y) => x[0] - y[0]).map((r) => r[1]);
    f[side] = round2(median(perRound));
    f.rounds[side] = perRound.map(round2);
  }
  return f;
});
const when = new Date().toISOString();
const machine = JSON.parse(readFileSync(machineFile, "utf8"));
writeFileSync(outFile, JSON.stringify({ when, mode, machine, figures }, null, 2) + "\n");

const fmt = (v, unit) =>
  v === null ? "-" : unit === "ms" || unit === "s" ? v.toFixed(2) : Math.round(v).toLocaleString("en-US");
console.log(`\nbench/peers, ${mode}, ${when} (medians; per-round values in ${outFile})\n`);
console.log("| Figure | unit | Postbox | BullMQ-a (always) | BullMQ-b (everysec) |");
console.log("|---|---|---|---|---|");
for (const f of figures) {
  const cells = SIDES.map((s) => fmt(f[s], f.unit));
  console.log(`| ${f.name} | ${f.unit}, ${f.better} is better | ${cells.join(" | ")} |`);
}
