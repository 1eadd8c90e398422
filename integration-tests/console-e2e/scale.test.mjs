// The console's load times with many stored messages (ConsoleScaleIT stores 1,000,000 first): the
// messages page, the logs page and the overview, each opened in Debian's headless Chromium and
// timed from the navigation until its first page of results is on screen. Also checks that the
// list calls the pages make are paged (a count, and a cursor to follow).
// Environment: POSTBOX_URL (a dev-mode server), CHROMIUM, RESULTS (a JSON file for the times),
// MAX_MS (a generous bound per page; the goal itself is the bench's).
// Prints "ok - <name>" / "not ok - <name>", "# load <page> <ms> ms", "# pass N" / "# fail N".
import { writeFileSync } from "node:fs";
import { chromium } from "playwright-core";

const BASE = (process.env.POSTBOX_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const MAX_MS = Number(process.env.MAX_MS ?? 10000);
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

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: "en-GB", timezoneId: "UTC" })).newPage();
page.setDefaultTimeout(60000);
const calls = []; // API list calls: {path, query, cursor in the answer}
page.on("response", async (r) => {
  const u = new URL(r.url());
  if (!["/v2/logs", "/v2/dlq"].includes(u.pathname)) return;
  try {
    const body = await r.json();
    calls.push({ path: u.pathname, count: u.searchParams.get("count"), cursor: Boolean(body.cursor), items: (body.logs ?? body.messages ?? []).length });
  } catch {
    // a response the page left behind
  }
});

const times = {};
/** Opens `hash` from a light page and waits for `ready`; answers the milliseconds. */
async function load(name, hash, ready) {
  await page.evaluate(() => (location.hash = "#/keys"));
  await page.locator("#key-current").waitFor();
  calls.length = 0;
  const t0 = Date.now();
  await page.evaluate((h) => (location.hash = h), hash);
  await ready();
  const ms = Date.now() - t0;
  times[name] = ms;
  console.log(`# load ${name} ${ms} ms`);
  return ms;
}

try {
  await page.goto(BASE + "/console");
  await page.getByRole("button", { name: "Sign in as defaultUser" }).click();
  await page.getByRole("heading", { name: "Overview" }).waitFor();
  await page.locator("#server-pending").waitFor(); // the first overview, before any timing

  await check("messages page: its first 50 entries, paged", async () => {
    const ms = await load("messages", "#/messages", () => page.locator("main tbody tr:nth-child(50)").waitFor());
    await page.getByRole("button", { name: "Load more" }).waitFor();
    const logs = calls.filter((c) => c.path === "/v2/logs");
    assert(logs.length === 1 && logs[0].count === "50" && logs[0].cursor && logs[0].items === 50, `calls: ${JSON.stringify(calls)}`);
    assert(ms < MAX_MS, `${ms} ms`);
  });
  await check("logs page: its first 50 entries, paged", async () => {
    const ms = await load("logs", "#/logs", () => page.locator("main tbody tr:nth-child(50)").waitFor());
    await page.getByRole("button", { name: "Load more" }).waitFor();
    const logs = calls.filter((c) => c.path === "/v2/logs");
    assert(logs.length === 1 && logs[0].count === "50" && logs[0].cursor, `calls: ${JSON.stringify(calls)}`);
    assert(ms < MAX_MS, `${ms} ms`);
  });
  await check("logs page: a filter that matches one message's entries among all", async () => {
    const id = await page.locator("main tbody tr a").first().textContent();
    await page.getByLabel("Message ids").fill(id);
    const t0 = Date.now();
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForFunction((id) => {
      const rows = [...document.querySelectorAll("main tbody tr")];
      return rows.length > 0 && rows.every((r) => r.textContent.includes(id));
    }, id);
    times["logs-one-message"] = Date.now() - t0;
    console.log(`# load logs-one-message ${times["logs-one-message"]} ms`);
    await page.getByLabel("Message ids").fill("");
    assert(times["logs-one-message"] < MAX_MS, `${times["logs-one-message"]} ms`);
  });
  await check("a message's page: its timeline", async () => {
    const id = await page.locator("main tbody tr a").first().textContent();
    await load("message", `#/messages/${id}`, () => page.locator("ol.timeline .badge").first().waitFor());
    assert(times.message < MAX_MS, `${times.message} ms`);
  });
  await check("overview: counts and the newest 1,000 entries, paged", async () => {
    const ms = await load("overview", "#/overview", async () => {
      await page.locator("#count-dlq").waitFor();
      await page.locator("#server-pending").waitFor();
    });
    const logs = calls.filter((c) => c.path === "/v2/logs");
    assert(logs.length === 1 && logs[0].count === "1000" && logs[0].items === 1000 && logs[0].cursor, `calls: ${JSON.stringify(calls)}`);
    assert(ms < MAX_MS, `${ms} ms`);
  });
} finally {
  await browser.close();
}
if (process.env.RESULTS) writeFileSync(process.env.RESULTS, JSON.stringify(times, null, 2) + "\n");
console.log(`# pass ${passed}`);
console.log(`# fail ${failed}`);
process.exit(failed === 0 ? 0 : 1);
