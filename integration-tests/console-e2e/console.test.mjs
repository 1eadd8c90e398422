// End-to-end test of the web console (docs/console.md) in Debian's headless Chromium, driven by
// playwright-core (no browser download). ConsoleIT starts the server and runs this script; it can
// also run on its own against a dev-mode server:
//   POSTBOX_URL=http://127.0.0.1:8080 node console.test.mjs
// Environment:
//   POSTBOX_URL     the server (dev mode: the dev users sign in with one click)
//   SCREENSHOTS     where to write a screenshot of each page (default: no screenshots)
//   RUN_OK, RUN_FAILED, RUN_SLEEPING  workflow runs seeded by ConsoleIT (a finished one, a failed
//                   one in the workflow DLQ, one that sleeps); without them the workflow part is skipped
//   RUN_WAITING, WAIT_EVENT  a run seeded by ConsoleIT that waits for that event (optional)
//   CHROMIUM        the browser (default /usr/bin/chromium)
// Prints "ok - <name>" or "not ok - <name>" per check and "# pass N" / "# fail N"; exit code 1 on
// any failure.
import { createServer, request } from "node:http";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const BASE = (process.env.POSTBOX_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const SHOTS = process.env.SCREENSHOTS;
const DEFAULT_TOKEN = "eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=";
const TEST_USER1_TOKEN = "eyJVc2VySUQiOiJ0ZXN0VXNlcjEiLCJQYXNzd29yZCI6InRlc3RQYXNzd29yZCJ9";
const TOKENS = [DEFAULT_TOKEN, TEST_USER1_TOKEN];
const XSS_BODY = `<script>window.__xss = "body-script"; alert("body")</script><img src=x onerror="window.__xss='body-img';alert('img')">`;
const XSS_HEADER = `<img src=x onerror="window.__xss='header';alert('header')">`;
const XSS_KEY = `fc<img src=x onerror="window.__xss='key';alert('key')">`;
const XSS_RESPONSE = `<script>window.__xss="response";alert("response")</script><img src=x onerror=alert('resp')>`;

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}\n  ${String(e.stack ?? e).replaceAll("\n", "\n  ")}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}
function equal(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
async function until(what, fn, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

// The API, outside the browser: to seed and to check what the console did.
async function api(method, path, { body, headers } = {}) {
  const res = await fetch(BASE + path, {
    method,
    headers: { Authorization: `Bearer ${DEFAULT_TOKEN}`, ...(headers ?? {}) },
    body,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

// A destination: /ok answers 200, /fail 500 with a script in its body, /once/<k> fails its first
// call and succeeds afterwards.
const seen = new Map();
const received = [];
const receiver = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    received.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
    if (req.url.startsWith("/ok")) return res.end("fine");
    if (req.url.startsWith("/once/")) {
      const n = (seen.get(req.url) ?? 0) + 1;
      seen.set(req.url, n);
      res.statusCode = n === 1 ? 500 : 200;
      return res.end(n === 1 ? XSS_RESPONSE : "fine now");
    }
    res.statusCode = 500;
    res.end(XSS_RESPONSE);
  });
});
await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
const DEST = `http://127.0.0.1:${receiver.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: "en-GB", timezoneId: "UTC" });
const page = await context.newPage();
page.setDefaultTimeout(15000);
const requested = [];
const dialogs = [];
const consoleErrors = [];
page.on("request", (r) => requested.push({ url: r.url(), headers: r.headers() }));
page.on("dialog", (d) => {
  dialogs.push(d.message());
  d.dismiss().catch(() => {});
});
page.on("console", (m) => {
  if (m.type() === "error" || m.type() === "warning") consoleErrors.push(m.text());
});
page.on("pageerror", (e) => consoleErrors.push(`pageerror: ${e.message}`));

async function shot(name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}
const text = (selector) => page.locator(selector).first().textContent();
async function go(hash) {
  await page.evaluate((h) => (location.hash = h), hash);
  await page.locator("main h1").first().waitFor();
}
/** Every form control on screen has a label (a <label for>, or aria-label). */
async function allLabelled() {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll("input, select, textarea")]
      .filter((el) => !(el.labels?.length || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby")))
      .map((el) => el.outerHTML),
  );
  equal(unlabelled.length, 0, `controls without a label: ${unlabelled.join(" ")}`);
}
/** Text contrast of visible text elements against their backgrounds: at least 4.5:1 (WCAG AA). */
async function contrastOk() {
  const low = await page.evaluate(() => {
    const rgb = (s) => (s.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const bg = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const out = [];
    for (const el of document.querySelectorAll("a, button:not(:disabled), label, th, td, p, h1, h2, h3, dt, dd, span, strong, pre, caption")) {
      if (!el.offsetParent || !el.textContent.trim()) continue;
      const fg = rgb(getComputedStyle(el).color).slice(0, 3);
      const [a, b] = [lum(fg), lum(bg(el))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < 4.5) out.push(`${el.tagName} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
    }
    return out;
  });
  equal(low.length, 0, `low contrast: ${low.join("; ")}`);
}
async function pageChecks(name) {
  await check(`${name}: every control is labelled`, allLabelled);
  await check(`${name}: text contrast is at least 4.5:1`, contrastOk);
}

/** A GET with the path exactly as given (fetch and URL would normalise "..", node:http does not). */
function rawGet(path) {
  return new Promise((resolve, reject) => {
    const u = new URL(BASE);
    const req = request({ host: u.hostname, port: u.port, path, method: "GET" }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end();
  });
}

try {
  await check("static files: types, and no path leaves the console's folder of the jar", async () => {
    const js = await rawGet("/console/js/app.js");
    equal(js.status, 200, "app.js");
    equal(js.headers["content-type"], "text/javascript; charset=utf-8", "app.js type");
    for (const path of [
      "/console/../META-INF/MANIFEST.MF",
      "/console/js/../../META-INF/MANIFEST.MF",
      "/console/js/../../logback.xml",
      "/console/%2e%2e/META-INF/MANIFEST.MF",
      "/console/..%2fMETA-INF%2fMANIFEST.MF",
      "/console/js/..%5c..%5cMETA-INF%5cMANIFEST.MF",
      "/console/dev/postbox/http/api/ConsoleRoutes.class",
      "/console/nope.js",
    ]) {
      const r = await rawGet(path);
      equal(r.status, 404, path);
      assert(!r.body.includes("Manifest-Version"), `${path} leaked the manifest`);
    }
  });
  await check("/ redirects to /console, served with a CSP that allows no inline script; cold load under 200 KB", async () => {
    const loaded = [];
    const onResponse = (r) => loaded.push(r);
    page.on("response", onResponse);
    const res = await page.goto(BASE + "/");
    await page.getByRole("button", { name: "Sign in as defaultUser" }).waitFor();
    page.off("response", onResponse);
    let bytes = 0;
    for (const r of loaded) if (r.status() !== 302) bytes += (await r.body()).length;
    console.log(`# cold load: ${loaded.length} responses, ${bytes} bytes`);
    assert(bytes < 200_000, `cold load of ${bytes} bytes`);
    equal(new URL(page.url()).pathname, "/console", "page");
    const csp = res.headers()["content-security-policy"];
    assert(csp.includes("script-src 'self'") && !csp.includes("unsafe-inline"), `CSP: ${csp}`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
  });
  await page.getByRole("button", { name: "Sign in as defaultUser" }).waitFor();
  await pageChecks("sign-in");
  await shot("signin");

  await check("sign in as a dev user with one click", async () => {
    await page.getByRole("button", { name: "Sign in as testUser1" }).click();
    await until("tenant testUser1", async () => (await text("#tenant")) === "testUser1");
    await page.getByRole("heading", { name: "Overview" }).waitFor();
  });
  await check("sign out, then an unknown token is refused", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API token (QSTASH_TOKEN)").fill("not-a-token");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await until("the refusal", async () => (await text("#status")).includes("not known"));
    equal(await page.locator("#who").isHidden(), true, "signed-in bar hidden");
  });
  await check("sign in with a pasted token (keyboard: type and Enter)", async () => {
    const field = page.getByLabel("API token (QSTASH_TOKEN)");
    await field.fill(DEFAULT_TOKEN);
    await field.press("Enter");
    await until("tenant defaultUser", async () => (await text("#tenant")) === "defaultUser");
    equal(await page.evaluate(() => sessionStorage.length), 1, "one sessionStorage item");
    equal(await page.evaluate(() => document.cookie), "", "cookies");
  });

  // Workflow runs first: the sleeping one must still sleep when it is cancelled.
  if (process.env.RUN_OK) {
    await check("cancel a sleeping workflow run", async () => {
      await go(`#/workflows/${encodeURIComponent(process.env.RUN_SLEEPING)}`);
      await page.getByRole("button", { name: "Cancel run" }).click();
      await page.locator("dialog").getByRole("button", { name: "Cancel run" }).click();
      await until("RUN_CANCELED", async () => (await text("main dd .badge")) === "RUN_CANCELED");
      const r = await api("GET", `/v2/workflows/logs?workflowRunId=${process.env.RUN_SLEEPING}`);
      equal(r.json.runs[0].workflowState, "RUN_CANCELED", "state through the API");
    });
    if (process.env.RUN_WAITING) {
      await check("a waiting workflow run shows the event it waits for", async () => {
        await go(`#/workflows/${encodeURIComponent(process.env.RUN_WAITING)}`);
        const row = page.locator("main table tbody tr").first();
        await row.waitFor();
        const cells = await row.locator("td").allTextContents();
        equal(cells[0], process.env.WAIT_EVENT, "the event id on the page");
        const r = await api("GET", `/v2/waiters/${encodeURIComponent(process.env.WAIT_EVENT)}`);
        equal(r.json.length, 1, "one waiter through the API");
        equal(r.json[0].deadline * 1000 >= Date.now(), true, "its deadline is ahead");
        await pageChecks("waiting workflow run");
      });
    }
    await check("workflow runs: the list and a finished run's steps with their outputs", async () => {
      await go("#/workflows");
      await page.getByRole("link", { name: process.env.RUN_OK }).waitFor();
      await pageChecks("workflow runs");
      await shot("workflows");
      await page.getByRole("link", { name: process.env.RUN_OK }).click();
      await page.locator("li.step").first().waitFor();
      const names = await page.locator("li.step strong").allTextContents();
      equal(names.join(","), "init,one,two,three", "steps");
      const outs = await page.locator("li.step pre.out").allTextContents();
      equal(outs.join("|"), '{"n":20}|21|42|"done:42"', "outputs");
      equal(await text("main dd .badge"), "RUN_SUCCESS", "state");
      await pageChecks("workflow run");
      await shot("workflow-run");
    });
    await check("restart a failed run from the workflow DLQ", async () => {
      await go(`#/workflows/${encodeURIComponent(process.env.RUN_FAILED)}`);
      await page.getByRole("button", { name: "Restart run" }).waitFor();
      await pageChecks("failed workflow run");
      await shot("workflow-failed");
      await page.getByRole("button", { name: "Restart run" }).click();
      await until("the new run's page", async () => {
        const id = decodeURIComponent(page.url().split("#/workflows/")[1] ?? "");
        return id && id !== process.env.RUN_FAILED;
      });
      const id = decodeURIComponent(page.url().split("#/workflows/")[1]);
      const r = await api("GET", `/v2/workflows/logs?workflowRunId=${id}`);
      equal(r.json.runs.length, 1, "the new run through the API");
    });
  } else {
    console.log("# skip workflow runs: RUN_OK not given");
  }

  // Publish from the form, with script in body, header and URL.
  let published;
  await check("publish from the form (XSS payloads in body, header and URL)", async () => {
    await go("#/publish");
    await page.getByLabel("Destination (URL or URL group)").fill(`${DEST}/ok?q=<img src=x onerror=alert(9)>`);
    await page.getByLabel("Body").fill(XSS_BODY);
    await page.getByLabel(/^Headers/).fill(`Content-Type: text/html\nUpstash-Forward-X-Evil: ${XSS_HEADER}`);
    await page.getByLabel("Retries").fill("0");
    await pageChecks("publish");
    await shot("publish");
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    const a = page.locator("main ul a").first();
    await a.waitFor();
    published = await a.textContent();
    assert(/^msg_/.test(published), `message id ${published}`);
    await until("delivery", () => received.some((r) => r.path.startsWith("/ok") && r.body === XSS_BODY));
    const got = received.find((r) => r.body === XSS_BODY);
    equal(got.headers["x-evil"], XSS_HEADER, "forwarded header");
    await a.click();
  });
  await check("the message's timeline: CREATED, ACTIVE, DELIVERED (status 200), body and headers as text", async () => {
    await until("DELIVERED on the timeline", async () => (await page.locator("ol.timeline .badge").allTextContents()).includes("DELIVERED"));
    const states = await page.locator("ol.timeline .badge").allTextContents();
    equal(states.join(","), "CREATED,ACTIVE,DELIVERED", "states");
    equal(await text("ol.timeline pre.body"), XSS_BODY, "body shown as text");
    const delivered = page.locator("ol.timeline > li").nth(2);
    assert((await delivered.textContent()).includes("Response status200"), await delivered.textContent());
    const headerCells = await page.locator("ol.timeline td").allTextContents();
    assert(headerCells.includes(XSS_HEADER), `header shown as text: ${headerCells}`);
  });
  await pageChecks("message");
  await shot("message");

  await check("cancel a delayed message from its page", async () => {
    await go("#/publish");
    await page.getByLabel("Destination (URL or URL group)").fill(`${DEST}/ok/later`);
    await page.getByLabel("Body").fill("later");
    await page.getByLabel("Delay (seconds)").fill("600");
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    const a = page.locator("main ul a").first();
    await a.waitFor();
    const id = await a.textContent();
    await a.click();
    await page.getByRole("button", { name: "Cancel message" }).click();
    await page.locator("dialog").getByRole("button", { name: "Cancel message" }).click();
    await until("CANCELED on the timeline", async () => (await page.locator("ol.timeline .badge").allTextContents()).includes("CANCELED"));
    equal((await api("GET", `/v2/messages/${id}`)).status, 404, "message after cancel");
  });

  await check("messages list, filtered by URL", async () => {
    await go("#/messages");
    await page.getByLabel("URL", { exact: true }).fill(`${DEST}/ok/later`);
    await page.getByRole("button", { name: "Apply" }).click();
    await until("only the cancelled message's entries", async () => {
      const states = await page.locator("main tbody .badge").allTextContents();
      return states.join(",") === "CANCELED,CANCEL_REQUESTED,CREATED";
    });
    await page.getByLabel("URL", { exact: true }).fill("");
    await page.getByRole("button", { name: "Apply" }).click();
    await until("all entries", async () => (await page.locator("main tbody tr").count()) > 3);
  });
  await pageChecks("messages");
  await shot("messages");

  // Logs: the filters the API takes (checked against the API's answer) and the live tail.
  const logsPath = `/ok/logs-${Date.now()}`;
  const publishTo = async (path, headers) => {
    const r = await api("POST", `/v2/publish/${DEST}${path}`, { body: "log me", headers });
    equal(r.status, 200, `publish to ${path}`);
    return r.json.messageId;
  };
  const logIds = (q) => api("GET", `/v2/logs?${q}`).then((r) => r.json.logs.map((e) => `${e.messageId} ${e.state}`));
  const rowsShown = () => page.locator("main tbody tr").evaluateAll((trs) => trs.map((tr) => `${tr.cells[2].textContent} ${tr.cells[1].textContent}`));
  await check("logs: host, path, state and message-id filters show what the API answers", async () => {
    const a = await publishTo(logsPath);
    const b = await publishTo(logsPath);
    await until("both delivered", async () => (await logIds(`path=${logsPath}&state=DELIVERED`)).length === 2);
    await go("#/logs");
    await page.getByLabel("Host").fill("127.0.0.1");
    await page.getByLabel("Path").fill(logsPath);
    await page.getByLabel("State").selectOption("DELIVERED");
    await page.getByRole("button", { name: "Apply" }).click();
    await until("two rows", async () => (await page.locator("main tbody tr").count()) === 2);
    equal((await rowsShown()).join(), (await logIds(`host=127.0.0.1&path=${logsPath}&state=DELIVERED`)).join(), "rows against the API");
    await page.getByLabel("Message ids").fill(`${b} msg_unknown`);
    await page.getByLabel("State").selectOption("");
    await page.getByRole("button", { name: "Apply" }).click();
    await until("b's entries only", async () => (await rowsShown()).every((r) => r.startsWith(b)) && (await page.locator("main tbody tr").count()) === 3);
    equal((await rowsShown()).join(), (await logIds(`path=${logsPath}&messageIds=${b}&messageIds=msg_unknown`)).join(), "rows against the API");
    assert(!(await rowsShown()).some((r) => r.startsWith(a)), "a's entries filtered out");
    await page.getByLabel("Message ids").fill("");
  });
  await check("logs: the live tail shows a new entry without a reload, at most one request a second, only while on", async () => {
    const tailPath = `${logsPath}/tail`;
    await page.getByLabel("Path").fill(tailPath);
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByText("No log entries match.").waitFor();
    await page.evaluate(() => (window.__sameDocument = true));
    await page.getByLabel(/^Live tail/).check();
    const since = requested.length;
    const other = await publishTo(`${logsPath}/other`); // outside the filter
    const id = await publishTo(tailPath);
    await page.getByRole("link", { name: id }).first().waitFor({ timeout: 10000 });
    await until("DELIVERED tailed", async () => (await rowsShown()).includes(`${id} DELIVERED`));
    equal(await page.evaluate(() => window.__sameDocument), true, "no reload");
    assert(!(await rowsShown()).some((r) => r.startsWith(other)), "an entry outside the filter was tailed");
    equal((await rowsShown()).join(), (await logIds(`path=${tailPath}`)).join(), "tailed rows against the API");
    const t0 = Date.now();
    const before = requested.filter((r) => r.url.includes("/v2/logs")).length;
    await new Promise((r) => setTimeout(r, 3000));
    const polls = requested.filter((r) => r.url.includes("/v2/logs")).length - before;
    const seconds = (Date.now() - t0) / 1000;
    assert(polls >= 1 && polls <= Math.ceil(seconds) + 1, `${polls} log requests in ${seconds} s`);
    assert(requested.slice(since).every((r) => !r.url.includes("/console") || r.url.includes("/console/api/")), "no page reload");
    await pageChecks("logs");
    await shot("logs");
    // A hidden tab asks nothing; shown again, the tail resumes.
    const setVisibility = (state) =>
      page.evaluate((state) => {
        Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
        document.dispatchEvent(new Event("visibilitychange"));
      }, state);
    await setVisibility("hidden");
    await new Promise((r) => setTimeout(r, 300));
    const hidden = requested.filter((r) => r.url.includes("/v2/logs")).length;
    await new Promise((r) => setTimeout(r, 2500));
    equal(requested.filter((r) => r.url.includes("/v2/logs")).length, hidden, "log requests while the tab is hidden");
    await setVisibility("visible");
    await until("the tail again", async () => requested.filter((r) => r.url.includes("/v2/logs")).length > hidden, 5000);
    await page.getByLabel(/^Live tail/).uncheck();
    await new Promise((r) => setTimeout(r, 300)); // a request already sent may still end
    const off = requested.filter((r) => r.url.includes("/v2/logs")).length;
    await new Promise((r) => setTimeout(r, 2500));
    equal(requested.filter((r) => r.url.includes("/v2/logs")).length, off, "log requests with the tail off");
  });

  // The DLQ: five failed messages; retry one and delete one from their pages, then retry one and
  // delete two in bulk.
  const dlqIds = [];
  for (let i = 0; i < 5; i++) {
    const r = await api("POST", `/v2/publish/${DEST}/once/${i}`, { body: `dlq ${i} ${XSS_BODY}`, headers: { "Upstash-Retries": "0" } });
    equal(r.status, 200, "seed publish");
  }
  await until("five DLQ entries", async () => {
    const r = await api("GET", "/v2/dlq?order=earliestFirst");
    dlqIds.splice(0, dlqIds.length, ...r.json.messages.filter((m) => m.url.startsWith(DEST)).map((m) => m.dlqId));
    return dlqIds.length === 5;
  });
  // (the workflow DLQ entry of RUN_FAILED is in the same list: only this script's entries count)
  const dlqIdsNow = async () =>
    (await api("GET", "/v2/dlq")).json.messages.filter((m) => m.url.startsWith(DEST)).map((m) => m.dlqId).sort();
  const dlqEntryShown = async () => {
    await page.getByRole("heading", { name: /^DLQ entry / }).waitFor();
    await page.locator("pre.response").waitFor();
  };
  await check("a DLQ entry's page: body, headers and last response as text; retry", async () => {
    await go("#/dlq");
    await pageChecks("dlq");
    await shot("dlq");
    await page.getByRole("link", { name: dlqIds[0] }).click();
    await dlqEntryShown();
    equal(await text("pre.body"), `dlq 0 ${XSS_BODY}`, "body");
    equal(await text("pre.response"), XSS_RESPONSE, "response body");
    await pageChecks("dlq entry");
    await shot("dlq-entry");
    await page.getByRole("link", { name: /^msg_/ }).first().click();
    await until("the failed message's timeline", async () => (await page.locator("ol.timeline .badge").allTextContents()).includes("FAILED"));
    equal((await page.locator("ol.timeline .badge").allTextContents()).join(","), "CREATED,ACTIVE,ERROR,FAILED", "states");
    equal(await text("ol.timeline pre.response"), XSS_RESPONSE, "the failed attempt's response body");
    await page.getByRole("link", { name: dlqIds[0] }).click(); // "In the DLQ: <id>"
    // (the message page's timeline, with a response per failed attempt, may still be on screen for a
    // moment: wait for the entry's own heading first)
    await dlqEntryShown();
    await page.getByRole("button", { name: "Retry" }).click();
    await until("the retried message's page", async () => page.url().includes("#/messages/"));
    await until("the retried message delivered", async () => (await page.locator("ol.timeline .badge").allTextContents()).includes("DELIVERED"));
    equal((await dlqIdsNow()).join(), dlqIds.slice(1).sort().join(), "DLQ after retry");
  });
  await check("delete one DLQ entry from its page", async () => {
    await go(`#/dlq/${encodeURIComponent(dlqIds[1])}`);
    await page.getByRole("button", { name: "Delete" }).click();
    await page.locator("dialog").getByRole("button", { name: "Delete" }).click();
    await until("back on the list", async () => page.url().endsWith("#/dlq"));
    equal((await dlqIdsNow()).join(), dlqIds.slice(2).sort().join(), "DLQ after delete");
  });
  await check("bulk retry and bulk delete of selected DLQ entries", async () => {
    await page.getByRole("checkbox", { name: `Select ${dlqIds[2]}` }).check();
    await page.getByRole("button", { name: "Retry selected" }).click();
    await until("the bulk retry", async () => (await text("#status")).includes("Retried 1"));
    await until("two left", async () => (await dlqIdsNow()).join() === dlqIds.slice(3).sort().join());
    await page.getByRole("checkbox", { name: `Select ${dlqIds[3]}` }).check();
    await page.getByRole("checkbox", { name: `Select ${dlqIds[4]}` }).check();
    await page.getByRole("button", { name: "Delete selected" }).click();
    await page.locator("dialog").getByRole("button", { name: "Delete" }).click();
    await until("the bulk delete", async () => (await text("#status")).includes("Deleted 2"));
    equal((await dlqIdsNow()).length, 0, "DLQ entries left");
  });

  await check("a message's timeline shows its callbacks (one per attempt) and its failure callback", async () => {
    const cbPath = `/once/cb-${Date.now()}`;
    const id = await publishTo(cbPath, { "Upstash-Retries": "1", "Upstash-Retry-Delay": "100", "Upstash-Callback": `${DEST}/ok/callback` });
    await go(`#/messages/${encodeURIComponent(id)}`);
    await until("two delivered callbacks on the timeline", async () => {
      const items = await page.locator("li.callback").allTextContents();
      return items.length === 2 && items.every((t) => t.startsWith("Callback") && t.includes("DELIVERED (200)"));
    });
    const sent = received.filter((r) => r.path === "/ok/callback").map((r) => JSON.parse(r.body)).filter((b) => b.sourceMessageId === id);
    equal(sent.map((b) => b.status).join(), "500,200", "callbacks received (through the destination)");
    const shownIds = await page.locator("li.callback a").allTextContents();
    for (const cid of shownIds) {
      const created = (await api("GET", `/v2/logs?messageId=${cid}&state=CREATED`)).json.logs[0];
      equal(JSON.parse(Buffer.from(created.body, "base64").toString()).sourceMessageId, id, `source of ${cid} through the API`);
    }
    const order = await page.locator("ol.timeline > li").evaluateAll((lis) => lis.map((li) => (li.classList.contains("callback") ? "cb" : li.querySelector(".badge").textContent)));
    equal(order.join(","), "CREATED,ACTIVE,ERROR,cb,RETRY,ACTIVE,DELIVERED,cb", "callbacks in time order");
    await shot("message-callbacks");
    const failing = await publishTo(`/fail/cb-${Date.now()}`, { "Upstash-Retries": "0", "Upstash-Failure-Callback": `${DEST}/ok/failure-callback` });
    await go(`#/messages/${encodeURIComponent(failing)}`);
    await until("the failure callback delivered", async () => (await page.locator("li.callback").allTextContents()).some((t) => t.startsWith("Failure callback") && t.includes("DELIVERED")));
    const fcb = received.find((r) => r.path === "/ok/failure-callback" && JSON.parse(r.body).sourceMessageId === failing);
    assert(fcb && JSON.parse(fcb.body).dlqId, "failure callback with a dlqId received");
    await pageChecks("message with callbacks");
  });


  await check("overview: this tenant's counts", async () => {
    await go("#/overview");
    await page.locator("#count-dlq").waitFor();
    const all = (await api("GET", "/v2/dlq")).json.messages.length;
    equal(await text("#count-dlq"), String(all), "DLQ count");
    await page.locator("#server-pending").waitFor();
  });
  await pageChecks("overview");
  await shot("overview");

  // Schedules: create one from the form (script in its body, header and URL), its last states
  // after a tick (ConsoleIT runs the server with --cron-seconds true), pause, resume, delete.
  let scheduleId;
  await check("schedules: create from the form (XSS payloads in body, header and URL)", async () => {
    await go("#/schedules");
    await page.getByLabel("Destination (URL or URL group)").fill(`${DEST}/ok/sched?q=<img src=x onerror=alert(8)>`);
    await page.getByLabel(/^Cron/).fill("*/2 * * * * *");
    await page.getByLabel("Body").fill(XSS_BODY);
    await page.getByLabel(/^Headers/).fill(`Upstash-Retries: 0\nUpstash-Forward-X-Evil: ${XSS_HEADER}`);
    await page.getByRole("button", { name: "Create schedule" }).click();
    await until("the created schedule", async () => /Created schedule \S+\./.test(await text("#status")));
    scheduleId = (await text("#status")).match(/Created schedule (\S+)\./)[1];
    await page.getByRole("link", { name: scheduleId }).waitFor();
    const s = (await api("GET", `/v2/schedules/${scheduleId}`)).json;
    equal(s.cron, "*/2 * * * * *", "cron through the API");
    equal(s.body, XSS_BODY, "body through the API");
    equal(s.isPaused, false, "paused");
    await pageChecks("schedules");
    await shot("schedules");
  });
  await check("a schedule's page: last states after a tick, body and headers as text", async () => {
    await until("a tick", async () => Object.keys((await api("GET", `/v2/schedules/${scheduleId}`)).json.lastScheduleStates ?? {}).length > 0);
    await page.getByRole("link", { name: scheduleId }).click();
    await page.locator("pre.body").waitFor();
    await until("the last states on the page", async () => {
      if ((await page.locator("main td a[href^='#/messages/']").count()) > 0) return true;
      await page.reload();
      await page.locator("pre.body").waitFor();
      return false;
    });
    equal(await text("pre.body"), XSS_BODY, "body shown as text");
    const cells = await page.locator("main td").allTextContents();
    assert(cells.includes(XSS_HEADER), `header shown as text: ${cells}`);
    const states = await page.locator("main tr:has(a[href^='#/messages/']) td:nth-child(2)").allTextContents();
    assert(states.every((s) => ["IN_PROGRESS", "SUCCESS", "FAIL"].includes(s)), `states: ${states}`);
    await pageChecks("schedule");
    await shot("schedule");
  });
  await check("edit a schedule: the form starts from what it holds, and saving replaces it under its id", async () => {
    await page.getByRole("button", { name: `Edit schedule ${scheduleId}` }).click();
    const headers = await page.getByLabel(/^Headers/).inputValue();
    assert(headers.includes(`Upstash-Forward-X-Evil: ${XSS_HEADER}`) && headers.includes("Upstash-Retries: 0"), `headers: ${headers}`);
    equal(await page.getByLabel("Body").inputValue(), XSS_BODY, "body in the form");
    await page.getByLabel(/^Cron/).fill("CRON_TZ=America/New_York 0 9 * * 1-5");
    await page.getByLabel("Body").fill("edited");
    await pageChecks("schedule edit");
    await page.getByRole("button", { name: "Save schedule" }).click();
    await until("saved", async () => (await text("#status")) === `Saved schedule ${scheduleId}.`);
    const s = (await api("GET", `/v2/schedules/${scheduleId}`)).json;
    equal(s.cron, "CRON_TZ=America/New_York 0 9 * * 1-5", "cron through the API");
    equal(s.body, "edited", "body through the API");
    equal(s.header["X-Evil"]?.[0] ?? s.header["X-Evil"], XSS_HEADER, "forwarded header kept");
    equal(s.retries, 0, "retries kept");
    equal((await api("GET", "/v2/schedules")).json.filter((x) => x.scheduleId === scheduleId).length, 1, "still one schedule with that id");
  });
  await check("a schedule's next five fire times, as the server computes them (CRON_TZ respected)", async () => {
    await until("the new cron on the page", async () => (await page.locator("main dd").allTextContents()).includes("CRON_TZ=America/New_York 0 9 * * 1-5"));
    const shown = (await page.locator("#fire-times li").evaluateAll((lis) => lis.map((li) => Number(li.dataset.ms))));
    const server = (await api("GET", `/console/api/schedules/${encodeURIComponent(scheduleId)}/next?count=5`)).json.nextFireTimes;
    equal(shown.join(), server.join(), "fire times against the API");
    equal(shown.length, 5, "five");
    equal(shown[0], (await api("GET", `/v2/schedules/${scheduleId}`)).json.nextScheduleTime, "the first is nextScheduleTime");
    const ny = new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", weekday: "short", hour: "2-digit", minute: "2-digit", hour12: false });
    for (const ms of shown) {
      const t = ny.format(new Date(ms));
      assert(/^(Mon|Tue|Wed|Thu|Fri) 09:00$/.test(t), `fire time ${new Date(ms).toISOString()} is ${t} in New York`);
    }
    assert(shown.every((ms, i) => i === 0 || ms > shown[i - 1]), "increasing");
    equal((await page.locator("#fire-times li").first().textContent()).includes("America/New_York"), true, "zone shown");
    await shot("schedule");
  });
  await check("pause and resume a schedule from its page", async () => {
    await page.getByRole("button", { name: `Pause schedule ${scheduleId}` }).click();
    await page.getByRole("button", { name: `Resume schedule ${scheduleId}` }).waitFor();
    equal((await api("GET", `/v2/schedules/${scheduleId}`)).json.isPaused, true, "paused through the API");
    await page.getByRole("button", { name: `Resume schedule ${scheduleId}` }).click();
    await page.getByRole("button", { name: `Pause schedule ${scheduleId}` }).waitFor();
    equal((await api("GET", `/v2/schedules/${scheduleId}`)).json.isPaused, false, "resumed through the API");
  });
  await check("delete a schedule from the list, after a confirmation", async () => {
    await go("#/schedules");
    await page.getByRole("button", { name: `Delete schedule ${scheduleId}` }).click();
    await page.locator("dialog").getByRole("button", { name: "Keep" }).click();
    equal((await api("GET", `/v2/schedules/${scheduleId}`)).status, 200, "kept after Keep");
    await page.getByRole("button", { name: `Delete schedule ${scheduleId}` }).click();
    await page.locator("dialog").getByRole("button", { name: "Delete" }).click();
    await until("the row gone", async () => (await page.getByRole("link", { name: scheduleId }).count()) === 0);
    equal((await api("GET", `/v2/schedules/${scheduleId}`)).status, 404, "schedule after delete");
  });

  // Queues: create, pause, the lag of three waiting messages, parallelism, resume, delete.
  const queueApi = async () => (await api("GET", "/v2/queues/console-q")).json;
  await check("queues: create, pause, lag, set parallelism, resume", async () => {
    await go("#/queues");
    await page.getByLabel("Queue name").fill("console-q");
    await page.getByLabel("Parallelism", { exact: true }).fill("2");
    await page.getByRole("button", { name: "Create queue" }).click();
    await page.getByRole("button", { name: "Pause queue console-q" }).waitFor();
    equal((await queueApi()).parallelism, 2, "parallelism through the API");
    await page.getByRole("button", { name: "Pause queue console-q" }).click();
    await page.getByRole("button", { name: "Resume queue console-q" }).waitFor();
    equal((await queueApi()).paused, true, "paused through the API");
    for (let i = 0; i < 3; i++) equal((await api("POST", `/v2/enqueue/console-q/${DEST}/ok/q${i}`, { body: "q" })).status, 200, "enqueue");
    await page.reload();
    const row = page.locator("main tr", { has: page.getByRole("button", { name: "Resume queue console-q" }) });
    equal(await row.locator("td").nth(2).textContent(), "3", "lag on the page");
    await page.getByLabel("Parallelism of queue console-q", { exact: true }).fill("5");
    await page.getByRole("button", { name: "Set parallelism of queue console-q" }).click();
    await until("parallelism 5", async () => (await queueApi()).parallelism === 5);
    equal((await queueApi()).paused, true, "still paused after setting the parallelism");
    await pageChecks("queues");
    await shot("queues");
    await page.getByRole("button", { name: "Resume queue console-q" }).click();
    await page.getByRole("button", { name: "Pause queue console-q" }).waitFor();
    await until("the queue drained", async () => (await queueApi()).lag === 0);
    equal((await queueApi()).paused, false, "resumed through the API");
  });
  await check("delete a queue, after a confirmation", async () => {
    await page.getByRole("button", { name: "Delete queue console-q" }).click();
    await page.locator("dialog").getByRole("button", { name: "Delete" }).click();
    await until("the row gone", async () => (await page.getByRole("button", { name: "Delete queue console-q" }).count()) === 0);
    equal((await api("GET", "/v2/queues/console-q")).status, 404, "queue after delete");
  });

  // URL groups: create one (an endpoint URL with script in it), add an endpoint, remove one, delete.
  const groupUrl = `${DEST}/ok/g1?q=1&r=2`;
  const groupApi = async () => await api("GET", "/v2/topics/console-g");
  await check("URL groups: create a group, add and remove endpoints", async () => {
    await go("#/url-groups");
    await page.getByLabel("Group name").fill("console-g");
    await page.getByLabel("Endpoint URL", { exact: true }).fill(groupUrl);
    await page.getByLabel("Endpoint name (optional)", { exact: true }).fill("one");
    await page.getByRole("button", { name: "Create group" }).click();
    await page.getByRole("heading", { name: "console-g" }).waitFor();
    equal((await groupApi()).json.endpoints.map((e) => e.url).join(), groupUrl, "endpoints through the API");
    assert((await page.locator("main td").allTextContents()).includes(groupUrl), "URL shown as text");
    await page.getByLabel("Endpoint URL for console-g").fill(`${DEST}/ok/g2`);
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await until("two endpoints", async () => (await groupApi()).json.endpoints.length === 2);
    await page.getByRole("button", { name: "Remove endpoint one from console-g" }).waitFor();
    await pageChecks("URL groups");
    await shot("url-groups");
    await page.getByRole("button", { name: "Remove endpoint one from console-g" }).click();
    await page.locator("dialog").getByRole("button", { name: "Remove" }).click();
    await until("one endpoint", async () => (await groupApi()).json.endpoints.length === 1);
    equal((await groupApi()).json.endpoints[0].url, `${DEST}/ok/g2`, "the endpoint left");
  });
  await check("delete a URL group, after a confirmation", async () => {
    await page.getByRole("button", { name: "Delete group console-g" }).click();
    await page.locator("dialog").getByRole("button", { name: "Delete" }).click();
    await until("the group gone", async () => (await page.getByRole("heading", { name: "console-g" }).count()) === 0);
    equal((await groupApi()).status, 404, "group after delete");
  });

  // Flow control: a key from a publish; pause, resume, pin, unpin, reset rate.
  const keyApi = async () => (await api("GET", "/v2/flowControl/console-key")).json;
  const fcHeaders = { "Upstash-Flow-Control-Key": "console-key", "Upstash-Flow-Control-Value": "parallelism=2, rate=10, period=60" };
  await check("flow control: pause, resume, pin and unpin a key", async () => {
    equal((await api("POST", `/v2/publish/${DEST}/ok/fc`, { body: "fc", headers: fcHeaders })).status, 200, "publish");
    await go("#/flow-control");
    await page.getByRole("link", { name: "console-key" }).click();
    await page.getByRole("heading", { name: /Flow-control key console-key/ }).waitFor();
    await page.getByRole("button", { name: "Pause" }).click();
    await page.getByRole("button", { name: "Resume" }).waitFor();
    equal((await keyApi()).isPaused, true, "paused through the API");
    await page.getByRole("button", { name: "Resume" }).click();
    await page.getByRole("button", { name: "Pause" }).waitFor();
    equal((await keyApi()).isPaused, false, "resumed through the API");
    await page.getByLabel("Parallelism").fill("3");
    await page.getByLabel("Rate", { exact: true }).fill("5");
    await page.getByLabel("Period (seconds)").fill("30");
    await page.getByRole("button", { name: "Pin", exact: true }).click();
    await until("pinned", async () => (await keyApi()).isPinnedRate === true);
    const k = await keyApi();
    equal(`${k.parallelismMax},${k.rateMax},${k.ratePeriod},${k.isPinnedParallelism}`, "3,5,30,true", "pinned through the API");
    await until("pinned on the page", async () => (await page.locator("main dd").allTextContents()).some((t) => t.includes("(pinned)")));
    await page.getByRole("button", { name: "Unpin parallelism" }).click();
    await until("parallelism unpinned", async () => (await keyApi()).isPinnedParallelism === false);
    equal((await keyApi()).isPinnedRate, true, "rate still pinned");
    await pageChecks("flow-control key");
    await shot("flow-control-key");
  });
  await check("flow control: reset the rate of a key", async () => {
    equal((await api("POST", `/v2/publish/${DEST}/ok/fc2`, { body: "fc", headers: fcHeaders })).status, 200, "publish");
    await until("an attempt counted", async () => (await keyApi()).rateCount >= 1);
    await page.getByRole("button", { name: "Reset rate" }).click();
    await until("the status", async () => (await text("#status")).includes("Reset the rate"));
    equal((await keyApi()).rateCount, 0, "rate count through the API");
    await go("#/flow-control");
    await page.getByRole("link", { name: "console-key" }).waitFor();
    await pageChecks("flow-control keys");
    await shot("flow-control");
  });
  await check("flow control: a key with script in it shows as text, on the list and on its page", async () => {
    const headers = { "Upstash-Flow-Control-Key": XSS_KEY, "Upstash-Flow-Control-Value": "parallelism=1" };
    equal((await api("POST", `/v2/publish/${DEST}/ok/fc3`, { body: "fc", headers })).status, 200, "publish");
    await page.reload();
    const a = page.getByRole("link", { name: XSS_KEY, exact: true });
    equal(await a.textContent(), XSS_KEY, "key shown as text");
    await a.click();
    await page.getByRole("button", { name: "Reset rate" }).waitFor();
    equal(await text("main h1 .mono"), XSS_KEY, "key on its page");
    equal(await text("main dd"), "Running", "state from the API");
  });

  // Signing keys: view, and rotate after a confirmation (the dev users' keys stay the same).
  await check("signing keys: view, and rotate after a confirmation", async () => {
    await go("#/keys");
    await page.locator("#key-current").waitFor();
    const before = (await api("GET", "/v2/keys")).json;
    equal(await text("#key-current"), before.current, "current key");
    equal(await text("#key-next"), before.next, "next key");
    await pageChecks("signing keys");
    await shot("keys");
    await page.getByRole("button", { name: "Rotate keys" }).click();
    await page.locator("dialog").getByRole("button", { name: "Rotate" }).click();
    await until("the rotation", async () => (await text("#status")).includes("Rotated"));
    const after = (await api("GET", "/v2/keys")).json;
    equal(await text("#key-current"), after.current, "current key after rotation");
    equal(await text("#key-next"), after.next, "next key after rotation");
  });

  await check("keyboard: Tab reaches the skip link, the pages and sign-out, in order", async () => {
    await page.evaluate(() => document.activeElement?.blur());
    await page.locator("body").focus();
    const seenFocus = [];
    for (let i = 0; i < 14; i++) {
      await page.keyboard.press("Tab");
      seenFocus.push(await page.evaluate(() => document.activeElement.textContent.trim()));
    }
    equal(
      seenFocus.slice(0, 13).join("|"),
      "Skip to content|Overview|Messages|Logs|DLQ|Workflow runs|Schedules|Queues|URL groups|Flow control|Signing keys|Publish|Sign out",
      "focus order",
    );
    await page.keyboard.press("Shift+Tab"); // back to Publish, and Enter follows the link
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Publish a message" }).waitFor();
  });

  await check("nothing executed: no dialog, no script result, no request for the injected image", async () => {
    equal(dialogs.length, 0, `dialogs: ${dialogs}`);
    equal(await page.evaluate(() => window.__xss), undefined, "window.__xss");
    const images = requested.filter((r) => /\/x$/.test(new URL(r.url).pathname));
    equal(images.length, 0, "requests for the injected image");
    equal(consoleErrors.filter((m) => /Content Security Policy|Refused/.test(m)).length, 0, `CSP reports: ${consoleErrors}`);
  });
  await check("the token never appears in a requested URL, and no cookie is set", async () => {
    assert(requested.length > 20, `requests recorded: ${requested.length}`);
    for (const r of requested) {
      for (const t of TOKENS) {
        for (const form of [t, encodeURIComponent(t)]) assert(!r.url.includes(form), `token in ${r.url}`);
      }
      assert(!/qstash_token/i.test(r.url), `token parameter in ${r.url}`);
      assert(!r.headers.cookie, `cookie sent to ${r.url}`);
    }
    const apiCalls = requested.filter((r) => new URL(r.url).pathname.startsWith("/v2/"));
    assert(apiCalls.length > 10, `API calls: ${apiCalls.length}`);
    for (const r of apiCalls) assert(r.headers.authorization?.startsWith("Bearer "), `no token header on ${r.url}`);
    equal((await context.cookies()).length, 0, "cookies");
  });
  await check("no script errors in the page", async () => {
    const errors = consoleErrors.filter((m) => !/Failed to load resource/.test(m));
    equal(errors.length, 0, errors.join("\n"));
  });
} finally {
  await browser.close();
  receiver.close();
}
console.log(`# pass ${passed}`);
console.log(`# fail ${failed}`);
process.exit(failed === 0 ? 0 : 1);
