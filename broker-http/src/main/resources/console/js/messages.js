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
  let shown = -1; // entries on screen: the timeline is drawn again only when it grew
  const showLife = async () => {
    const r = await get("/v2/logs", { messageId: id, order: "earliestFirst", count: 1000 });
    const states = r.logs.map((e) => e.state);
    const ended = states.some((s) => FINAL.has(s));
    if (r.logs.length === shown) return ended;
    shown = r.logs.length;
    const items = r.logs.map((e) =>
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
