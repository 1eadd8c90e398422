// Starts Postbox for a test run and stops it after: `java -jar postbox.jar --port 0 --test-mode`
// with a fresh data directory, then the QSTASH_* lines it prints go into process.env (test workers
// started after the global set-up inherit them). Used by vitest.setup.mjs and jest.setup.cjs.
"use strict";
const { spawn } = require("node:child_process");
const { mkdtempSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join, resolve } = require("node:path");

const JAR = process.env.POSTBOX_JAR || resolve(__dirname, "../../broker-app/target/postbox.jar");
const NEEDED = ["QSTASH_URL", "QSTASH_TOKEN", "QSTASH_CURRENT_SIGNING_KEY", "QSTASH_NEXT_SIGNING_KEY"];

async function startPostbox({ timeoutMs = 30_000 } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "postbox-"));
  const args = ["-jar", JAR, "--port", "0", "--test-mode", "--data-dir", dataDir];
  const child = spawn(process.env.JAVA || "java", args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const env = await new Promise((ready, fail) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`Postbox did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.stdout.on("data", (chunk) => {
      output += chunk;
      const found = {};
      for (const line of output.split("\n")) {
        const m = /^(QSTASH_[A-Z_]+)=(.*)$/.exec(line.trim());
        if (m) found[m[1]] = m[2];
      }
      if (NEEDED.every((k) => found[k])) {
        clearTimeout(timer);
        ready(found);
      }
    });
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`Postbox exited with ${code} before it was ready:\n${output}`));
    });
  });
  Object.assign(process.env, env);
  return {
    env,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once("exit", done));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

module.exports = { startPostbox, JAR };
