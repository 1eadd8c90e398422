// Shared by the bench/peers Node tools: arguments, the 256-byte body, CPU of other processes.
import { readFileSync } from "node:fs";
import net from "node:net";

/** `--name value` pairs into an object (numbers stay strings; callers convert). */
export function args(argv = process.argv.slice(2)) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, "")] = argv[i + 1];
  return out;
}

/** The same 256-byte body on both sides. */
export const BODY = "x".repeat(256);

/** Postbox's dev-mode token (the official dev server's default user). */
export const TOKEN = "eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=";

/** utime + stime of each pid, in seconds (`/proc/<pid>/stat` fields 14 and 15). */
export function cpuSeconds(pids, clkTck) {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / clkTck;
}

/** Pids from `--cpu-pids 1,2` (may be empty). */
export function pidList(value) {
  return value ? value.split(",").filter(Boolean).map(Number) : [];
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** GET the receiver's counters: {count, first, last} (wall-clock ms). */
export async function receiverStats(receiver) {
  const res = await fetch(`${receiver}/__stats`);
  return res.json();
}

/**
 * A minimal HTTP/1.1 keep-alive client for the fixed-rate generator: up to `maxSockets`
 * connections, one request at a time on each, answers read by Content-Length. It costs the
 * generator far less per request than node:http, so it adds less of its own time to what it
 * measures (node:http is what an app would use; here the generator should be nearly invisible).
 */
export class LightHttp {
  constructor(base, maxSockets) {
    const u = new URL(base);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.max = maxSockets;
    this.open = 0;
    this.idle = [];
    this.queue = [];
  }

  /** POSTs `body` (a string) to `path`; resolves with the status code. */
  post(path, headers, body) {
    const head =
      `POST ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("") +
      "\r\n";
    return new Promise((resolve, reject) => {
      this.queue.push({ data: head + body, resolve, reject });
      this.pump();
    });
  }

  pump() {
    while (this.queue.length > 0) {
      const socket = this.idle.pop() ?? (this.open < this.max ? this.connect() : null);
      if (!socket) return;
      const req = this.queue.shift();
      socket.current = req;
      socket.write(req.data);
    }
  }

  connect() {
    this.open++;
    const socket = net.connect(this.port, this.host);
    socket.setNoDelay(true);
    let buf = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buf.subarray(0, end).toString("latin1");
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (buf.length < end + 4 + length) return;
      buf = buf.subarray(end + 4 + length);
      const req = socket.current;
      socket.current = null;
      this.idle.push(socket);
      req.resolve(Number(head.slice(9, 12)));
      this.pump();
    });
    socket.on("error", () => {}); // "close" follows
    socket.on("close", () => {
      this.open--;
      this.idle = this.idle.filter((s) => s !== socket);
      socket.current?.reject(new Error("connection closed"));
      this.pump();
    });
    return socket;
  }

  close() {
    for (const s of this.idle) s.destroy();
  }
}
