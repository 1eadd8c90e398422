// The app under test: three routes that QStash calls, each verifying the signature with the SDK's
// Receiver, the way an app does in production. It records what it received.
"use strict";
const http = require("node:http");
const { Receiver } = require("@upstash/qstash");

async function startApp() {
  const receiver = new Receiver({
    currentSigningKey: process.env.QSTASH_CURRENT_SIGNING_KEY,
    nextSigningKey: process.env.QSTASH_NEXT_SIGNING_KEY,
  });
  const received = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let verified = false;
      try {
        verified = await receiver.verify({ signature: req.headers["upstash-signature"], body });
      } catch {
        verified = false;
      }
      received.push({ path: req.url, body, verified, retried: req.headers["upstash-retried"] });
      // /api/charge is broken: it always fails, so QStash retries it and then dead-letters it.
      res.statusCode = !verified ? 401 : req.url === "/api/charge" ? 500 : 200;
      res.end();
    });
  });
  await new Promise((ready) => server.listen(0, "127.0.0.1", ready));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    url: (path) => base + path,
    received: (path) => received.filter((r) => r.path === path),
    clear: () => received.splice(0),
    close: () => new Promise((done) => server.close(done)),
  };
}

// Test mode's endpoints (docs/testing.md), on the server the global set-up started.
async function testApi(method, path, body) {
  const r = await fetch(process.env.QSTASH_URL + path, {
    method,
    headers: { Authorization: `Bearer ${process.env.QSTASH_TOKEN}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.status === 204 ? null : r.json();
}

const postbox = {
  advance: (by) => testApi("POST", "/test/clock/advance", { by }),
  flush: async () => (await testApi("POST", "/test/flush")).deliveries,
  reset: () => testApi("POST", "/test/reset"),
};

module.exports = { startApp, postbox };
