// Messages: the log filtered as GET /v2/logs allows, and one message's life as a timeline.
import { call, get, ApiError } from "./api.js";
import { h, field, link, time, fromBase64, badge, props, headerTable, table, say, ask, act } from "./dom.js";

const STATES = ["", "CREATED", "ACTIVE", "IN_PROGRESS", "RETRY", "ERROR", "DELIVERED", "FAILED", "CANCEL_REQUESTED", "CANCELED"];
const FINAL = new Set(["DELIVERED", "FAILED", "CANCELED"]);
const TEXT_FILTERS = [
  ["messageId", "Message id"],
  ["url", "URL"],
  ["topicName", "URL group"],
  ["queueName", "Queue"],
  ["scheduleId", "Schedule id"],
  ["label", "Label"],
  ["flowControlKey", "Flow-control key"],
];
const POLL_MS = 1500;

let filters = {}; // kept while the tab lives, so "back" from a message shows the same list

function dateMs(value) {
  return value ? String(new Date(value).getTime()) : "";
}

export async function messages(view) {
  view.append(h("h1", {}, "Messages"));
  const inputs = {};
  for (const [k] of TEXT_FILTERS) inputs[k] = h("input", { type: "text", name: k, value: filters[k] ?? "" });
  inputs.state = h("select", { name: "state" }, STATES.map((s) => h("option", { value: s, selected: filters.state === s }, s || "any")));
  inputs.fromDate = h("input", { type: "datetime-local", name: "fromDate", step: "1", value: filters.fromDateText ?? "" });
  inputs.toDate = h("input", { type: "datetime-local", name: "toDate", step: "1", value: filters.toDateText ?? "" });
  inputs.order = h(
    "select",
    { name: "order" },
    h("option", { value: "latestFirst", selected: filters.order !== "earliestFirst" }, "newest first"),
    h("option", { value: "earliestFirst", selected: filters.order === "earliestFirst" }, "oldest first"),
  );
  const form = h(
    "form",
    { class: "filters", "aria-label": "Filter log entries" },
    field("State", inputs.state),
    TEXT_FILTERS.map(([k, label]) => field(label, inputs[k])),
    field("From", inputs.fromDate),
    field("To", inputs.toDate),
    field("Order", inputs.order),
    h("button", { type: "submit" }, "Apply"),
  );
  const results = h("div");
  view.append(form, results);
  const load = async (cursor, append) => {
    const q = { count: 50, cursor, ...filters.query };
    const page = await get("/v2/logs", q);
    const rows = page.logs.map((e) =>
      h(
        "tr",
        {},
        h("td", {}, time(e.time)),
        h("td", {}, badge(e.state)),
        h("td", { class: "mono" }, link(e.messageId, "messages", e.messageId)),
        h("td", { class: "mono" }, e.url),
        h("td", {}, e.responseStatus ?? ""),
        h("td", {}, e.error ?? ""),
      ),
    );
    if (!append) {
      results.replaceChildren(
        table("Log entries", ["Time", "State", "Message", "URL", "Status", "Error"], rows),
      );
      if (rows.length === 0) results.append(h("p", {}, "No log entries match."));
    } else {
      results.querySelector("tbody").append(...rows);
    }
    results.querySelector(".more")?.remove();
    if (page.cursor) {
      const more = h("button", { type: "button", class: "secondary more" }, "Load more");
      more.addEventListener("click", () => act(more, () => load(page.cursor, true)));
      results.append(more);
    }
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const query = {};
    for (const [k] of TEXT_FILTERS) query[k] = inputs[k].value.trim();
    query.state = inputs.state.value;
    query.fromDate = dateMs(inputs.fromDate.value);
    query.toDate = dateMs(inputs.toDate.value);
    query.order = inputs.order.value;
    filters = { ...query, query, fromDateText: inputs.fromDate.value, toDateText: inputs.toDate.value };
    load().catch((err) => say(err.message, "error"));
  });
  await load();
}

/**
 * The callback and failure-callback messages of message `id` (docs/api.md#callbacks), found in
 * the log: each is a message of its own, created with the outcome of an attempt, whose CREATED
 * entry goes to the callback URL and whose body names `sourceMessageId`. Two calls: their CREATED
 * entries within the message's life, then their entries. Each: {id, kind, logs, ended}.
 */
async function callbacks(id, logs) {
  const created = logs.find((e) => e.state === "CREATED");
  const urls = [created?.callback, created?.failureCallback].filter(Boolean);
  if (!urls.length) return [];
  const first = logs[0].time;
  const last = logs.some((e) => FINAL.has(e.state)) ? logs[logs.length - 1].time : Date.now() + 60_000;
  const found = await get("/v2/logs", { url: urls, state: "CREATED", fromDate: String(first), toDate: String(last), order: "earliestFirst", count: 1000 });
  const ids = [];
  const kinds = {};
  for (const e of found.logs) {
    let payload;
    try {
      payload = JSON.parse(fromBase64(e.body));
    } catch {
      continue;
    }
    if (payload?.sourceMessageId !== id || kinds[e.messageId]) continue;
    ids.push(e.messageId);
    kinds[e.messageId] = payload.dlqId ? "Failure callback" : "Callback";
  }
  if (!ids.length) return [];
  const entries = await get("/v2/logs", { messageIds: ids, order: "earliestFirst", count: 1000 });
  return ids.map((cid) => {
    const mine = entries.logs.filter((e) => e.messageId === cid);
    return { id: cid, kind: kinds[cid], logs: mine, ended: mine.some((e) => FINAL.has(e.state)) };
  });
}

/** A callback on the timeline: its kind, URL, message and each of its states. */
function callbackItem(c) {
  const lastState = c.logs[c.logs.length - 1].state;
  return h(
    "li",
    { class: "entry callback" },
    h("div", {}, h("strong", {}, c.kind), " ", badge(lastState), h("span", { class: "when" }, time(c.logs[0].time))),
    props([
      ["URL", h("span", { class: "mono" }, c.logs[0].url)],
      ["Message", h("span", { class: "mono" }, link(c.id, "messages", c.id))],
      ["States", c.logs.map((e) => `${e.state}${e.responseStatus ? ` (${e.responseStatus})` : ""}`).join(" → ")],
    ]),
  );
}

/** One message: what the server still holds of it, its log entries in order, and a cancel. */
export async function message(view, id, signal) {
  view.append(h("p", {}, link("← Messages", "messages")), h("h1", {}, "Message ", h("span", { class: "mono" }, id)));
  const now = h("section", { "aria-labelledby": "now-h" });
  const life = h("section", { "aria-labelledby": "life-h" });
  view.append(now, life);
  const showNow = async (ended) => {
    let m;
    try {
      m = await get(`/v2/messages/${encodeURIComponent(id)}`);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404) throw e;
      now.replaceChildren(
        h("h2", { id: "now-h" }, "Message"),
        h("p", { class: "muted" }, "The server no longer holds this message (it ended, or is unknown): its life is in the log below."),
      );
      return false;
    }
    const cancel = h("button", { type: "button", class: "danger" }, "Cancel message");
    cancel.addEventListener("click", () =>
      act(cancel, async () => {
        if (!(await ask(`Cancel message ${id}?`, "Cancel message"))) return;
        await call("DELETE", `/v2/messages/${encodeURIComponent(id)}`);
        say(`Message ${id} cancelled.`);
        await refresh();
      }),
    );
    now.replaceChildren(
      h("h2", { id: "now-h" }, "Message"),
      props([
        ["URL", h("span", { class: "mono" }, m.url)],
        ["Method", m.method],
        ["URL group", m.topicName],
        ["Queue", m.queueName],
        ["Schedule", m.scheduleId],
        ["Created", time(m.createdAt)],
        ["Not before", time(m.notBefore)],
        ["Retries", m.maxRetries],
        ["Callback", m.callback],
        ["Failure callback", m.failureCallback],
        ["Labels", (m.labels ?? []).join(", ")],
      ]),
      headerTable(m.header, "Headers"),
      h("h3", {}, "Body"),
      h("pre", { class: "body" }, m.body ?? (m.bodyBase64 ? `(binary, base64) ${m.bodyBase64}` : "")),
      ended
        ? h("p", { class: "muted" }, "This message has ended; the server keeps it for a short while (--keep-ended).")
        : h("div", { class: "actions" }, cancel),
    );
    return true;
  };
  let shown = ""; // what is on screen: the timeline is drawn again only when it changed
  const showLife = async () => {
    const r = await get("/v2/logs", { messageId: id, order: "earliestFirst", count: 1000 });
    const states = r.logs.map((e) => e.state);
    const calls = await callbacks(id, r.logs);
    const ended = states.some((s) => FINAL.has(s)) && calls.every((c) => c.ended);
    const drawn = `${r.logs.length}/${calls.map((c) => c.logs.length).join(",")}`;
    if (drawn === shown) return ended;
    shown = drawn;
    const own = r.logs.map((e) =>
      h(
        "li",
        { class: "entry" },
        h("div", {}, badge(e.state), h("span", { class: "when" }, time(e.time))),
        props([
          ["Response status", e.responseStatus],
          ["Error", e.error],
          ["Next attempt", time(e.nextDeliveryTime)],
          ["URL", e.state === "CREATED" ? h("span", { class: "mono" }, e.url) : ""],
        ]),
        e.state === "CREATED" ? [headerTable(e.header, "Headers"), h("pre", { class: "body" }, fromBase64(e.body))] : [],
        e.responseBody ? [h("div", { class: "muted" }, "Response body"), h("pre", { class: "response" }, fromBase64(e.responseBody))] : [],
      ),
    );
    // The callbacks take their place in time, each at its creation: an attempt's callback right
    // after the attempt's outcome (ERROR or DELIVERED) and before what follows at that instant
    // (RETRY, FAILED), a failure callback after FAILED.
    const rank = (e) => (["CREATED", "ACTIVE", "ERROR", "DELIVERED"].includes(e.state) ? 0 : 2);
    const items = [
      ...r.logs.map((e, i) => [e.time, rank(e), own[i]]),
      ...calls.map((c) => [c.logs[0].time, c.kind === "Callback" ? 1 : 3, callbackItem(c)]),
    ]
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .map((x) => x[2]);
    life.replaceChildren(h("h2", { id: "life-h" }, "Timeline"), items.length ? h("ol", { class: "timeline" }, items) : h("p", {}, "No log entries."));
    if (states.includes("FAILED")) {
      const d = await get("/v2/dlq", { messageId: id });
      for (const entry of d.messages) life.append(h("p", {}, "In the DLQ: ", link(entry.dlqId, "dlq", entry.dlqId)));
    }
    return ended;
  };
  const refresh = async () => {
    const ended = await showLife();
    await showNow(ended);
    return ended;
  };
  // Polls the log until the message ends (at most 2 minutes), while this page is on screen.
  const until = Date.now() + 120_000;
  let ended = await refresh();
  while (!ended && Date.now() < until) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    if (signal.aborted) return;
    ended = await showLife();
    if (ended) await showNow(true);
  }
}
