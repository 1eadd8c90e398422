// Overview: this tenant's counts from the API, and the server's gauges and rates from /metrics.
import { call, get } from "./api.js";
import { h, badge, table } from "./dom.js";

const MAX_DLQ_PAGES = 10; // counts the DLQ up to 1,000 entries, then shows "1000+"
const REFRESH_MS = 5000;
const ORDER = ["CREATED", "ACTIVE", "RETRY", "ERROR", "DELIVERED", "FAILED", "CANCEL_REQUESTED", "CANCELED"];

function card(label, value, id) {
  return h("div", { class: "card" }, h("span", { class: "n", id }, value), h("span", { class: "l" }, label));
}

async function dlqCount() {
  let n = 0;
  let cursor;
  for (let page = 0; page < MAX_DLQ_PAGES; page++) {
    const r = await get("/v2/dlq", { count: 100, cursor });
    n += r.messages.length;
    cursor = r.cursor;
    if (!cursor) return String(n);
  }
  return `${n}+`;
}

/** Prometheus text as {name{labels}: value}. */
function parseMetrics(text) {
  const out = {};
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const i = line.lastIndexOf(" ");
    out[line.slice(0, i)] = Number(line.slice(i + 1));
  }
  return out;
}

function sum(metrics, name, labelPart = "") {
  let total = 0;
  let found = false;
  for (const [k, v] of Object.entries(metrics)) {
    if ((k === name || k.startsWith(name + "{")) && k.includes(labelPart)) {
      total += v;
      found = true;
    }
  }
  return found ? total : undefined;
}

export async function overview(view, _arg, signal) {
  view.append(h("h1", {}, "Overview"));
  const tenant = document.getElementById("tenant").textContent;
  const [dlq, schedules, queues, groups, logs] = await Promise.all([
    dlqCount(),
    get("/v2/schedules"),
    get("/v2/queues"),
    get("/v2/topics"),
    get("/v2/logs", { count: 1000 }),
  ]);
  const lag = queues.reduce((n, q) => n + (q.lag ?? 0), 0);
  view.append(
    h("h2", {}, `${tenant}`),
    h(
      "div",
      { class: "cards" },
      card("DLQ entries", dlq, "count-dlq"),
      card("Schedules", schedules.length, "count-schedules"),
      card("Queues", queues.length, "count-queues"),
      card("Messages waiting in queues", lag, "count-lag"),
      card("URL groups", groups.length, "count-groups"),
    ),
  );
  const byState = Object.fromEntries(ORDER.map((s) => [s, 0]));
  for (const e of logs.logs) byState[e.state] = (byState[e.state] ?? 0) + 1;
  view.append(
    h("h2", {}, "Latest log entries by state"),
    h("p", { class: "muted" }, `The newest ${logs.logs.length} log entries of this tenant.`),
    table(
      "Log entries by state",
      ["State", "Entries"],
      Object.entries(byState).map(([s, n]) => h("tr", {}, h("td", {}, badge(s)), h("td", {}, n))),
    ),
  );
  const server = h("section", { "aria-labelledby": "server-h" });
  view.append(server);
  await serverMetrics(server, tenant, signal);
}

/** The whole server's gauges, and rates between two scrapes REFRESH_MS apart (while on screen). */
async function serverMetrics(section, tenant, signal) {
  let previous;
  let previousAt;
  const render = async () => {
    let text;
    try {
      text = await call("GET", "/metrics");
    } catch {
      section.replaceChildren(); // metrics disabled or not allowed: no server section
      return;
    }
    const m = parseMetrics(text);
    const at = performance.now();
    const rate = (name, label) => {
      if (!previous) return "…";
      const now = sum(m, name, label);
      const before = sum(previous, name, label);
      if (now === undefined || before === undefined) return "0";
      return ((now - before) / ((at - previousAt) / 1000)).toFixed(1);
    };
    section.replaceChildren(
      h("h2", { id: "server-h" }, "Server (all tenants)"),
      h("p", { class: "muted" }, `From /metrics: the gauges are estimates; rates are measured over ${REFRESH_MS / 1000} s ("…" until then).`),
      h(
        "div",
        { class: "cards" },
        card("Messages pending", sum(m, "postbox_messages_pending") ?? "?", "server-pending"),
        card("Messages in flight", sum(m, "postbox_messages_in_flight") ?? "?"),
        card("DLQ entries", sum(m, "postbox_dlq_messages") ?? "?"),
        card(`Published by ${tenant} per second`, rate("postbox_messages_published_total", `tenant="${tenant}"`)),
        card("Delivery attempts per second", rate("postbox_delivery_attempts_total", "")),
      ),
    );
    previous = m;
    previousAt = at;
  };
  await render();
  const timer = setInterval(render, REFRESH_MS);
  signal.addEventListener("abort", () => clearInterval(timer));
}
