// Logs: every filter GET /v2/logs takes, pages that follow the cursor, and a live tail that asks
// for newer entries at most once a second, only while the tab is visible and the tail is on.
import { get } from "./api.js";
import { h, field, link, time, badge, table, say, act } from "./dom.js";

const STATES = ["", "CREATED", "ACTIVE", "IN_PROGRESS", "RETRY", "ERROR", "DELIVERED", "FAILED", "CANCEL_REQUESTED", "CANCELED"];
// Multi-value filters: several values are separated by spaces (none of these values has one).
const MULTI = [
  ["messageIds", "Message ids"],
  ["url", "URL"],
  ["host", "Host"],
  ["path", "Path"],
  ["topicName", "URL group"],
  ["queueName", "Queue"],
  ["scheduleId", "Schedule id"],
  ["label", "Label"],
  ["flowControlKey", "Flow-control key"],
  ["callerIp", "Caller IP"],
];
const TAIL_MS = 1000; // one request a second at most
const TAIL_COUNT = 100;

let kept = { count: "50", order: "latestFirst" }; // the form, kept while the tab lives

const dateMs = (value) => (value ? String(new Date(value).getTime()) : "");
const keyOf = (e) => `${e.time}|${e.messageId}|${e.state}`;

function row(e) {
  return h(
    "tr",
    { "data-key": keyOf(e) },
    h("td", {}, time(e.time)),
    h("td", {}, badge(e.state)),
    h("td", { class: "mono" }, link(e.messageId, "messages", e.messageId)),
    h("td", {}, e.method ?? ""),
    h("td", { class: "mono" }, e.url),
    h("td", {}, [e.topicName, e.queueName, e.scheduleId].filter(Boolean).join(" · ")),
    h("td", {}, e.responseStatus ?? ""),
    h("td", {}, e.error ?? ""),
  );
}

/** The query of the form: multi-value fields split on spaces. */
function queryOf(inputs) {
  const q = {};
  for (const [k] of MULTI) {
    const values = inputs[k].value.trim().split(/\s+/).filter(Boolean);
    if (values.length) q[k] = values;
  }
  q.state = inputs.state.value;
  q.fromDate = dateMs(inputs.fromDate.value);
  q.toDate = dateMs(inputs.toDate.value);
  q.order = inputs.order.value;
  return q;
}

export async function logs(view, _arg, signal) {
  view.append(h("h1", {}, "Logs"));
  const inputs = {};
  for (const [k] of MULTI) inputs[k] = h("input", { type: "text", name: k, value: kept[k] ?? "", spellcheck: "false" });
  inputs.state = h("select", { name: "state" }, STATES.map((s) => h("option", { value: s, selected: kept.state === s }, s || "any")));
  inputs.fromDate = h("input", { type: "datetime-local", name: "fromDate", step: "1", value: kept.fromDate ?? "" });
  inputs.toDate = h("input", { type: "datetime-local", name: "toDate", step: "1", value: kept.toDate ?? "" });
  inputs.order = h(
    "select",
    { name: "order" },
    h("option", { value: "latestFirst", selected: kept.order !== "earliestFirst" }, "newest first"),
    h("option", { value: "earliestFirst", selected: kept.order === "earliestFirst" }, "oldest first"),
  );
  inputs.count = h("input", { type: "number", name: "count", min: 1, max: 1000, value: kept.count, class: "narrow" });
  const tail = h("input", { type: "checkbox", name: "tail" });
  const tailState = h("span", { class: "muted", id: "tail-state" }, "");
  const form = h(
    "form",
    { class: "filters", "aria-label": "Filter log entries" },
    field("State", inputs.state),
    MULTI.map(([k, label]) => field(label, inputs[k])),
    field("From", inputs.fromDate),
    field("To", inputs.toDate),
    field("Order", inputs.order),
    field("Page size", inputs.count),
    h("button", { type: "submit" }, "Apply"),
  );
  const tailBox = h("div", { class: "actions" }, h("label", { class: "check" }, tail, "Live tail (new entries every second while this tab is visible)"), tailState);
  const results = h("div");
  view.append(h("p", { class: "muted" }, "Several values in one field are separated by spaces; an entry matches any of them."), form, tailBox, results);

  let query = queryOf(inputs);
  let shown = new Set(); // keys of the entries on screen
  let newest = 0; // the newest entry time on screen

  const load = async (cursor, append) => {
    const page = await get("/v2/logs", { ...query, count: inputs.count.value || 50, cursor });
    if (!append) {
      shown = new Set();
      newest = 0;
      results.replaceChildren(table("Log entries", ["Time", "State", "Message", "Method", "URL", "Group · queue · schedule", "Status", "Error"], []));
    }
    const body = results.querySelector("tbody");
    for (const e of page.logs) {
      if (shown.has(keyOf(e))) continue;
      shown.add(keyOf(e));
      newest = Math.max(newest, e.time);
      body.append(row(e));
    }
    results.querySelector(".none")?.remove();
    if (shown.size === 0) results.append(h("p", { class: "none" }, "No log entries match."));
    results.querySelector(".more")?.remove();
    if (page.cursor) {
      const more = h("button", { type: "button", class: "secondary more" }, "Load more");
      more.addEventListener("click", () => act(more, () => load(page.cursor, true)));
      results.append(more);
    }
  };

  // The tail: entries at or after the newest one shown (and within the form's range), newest
  // first, TAIL_COUNT at most a request; those not on screen yet go at the top (or the bottom
  // for "oldest first").
  let timer;
  const poll = async () => {
    timer = undefined;
    if (signal.aborted || !tail.checked || document.visibilityState !== "visible") return;
    try {
      const from = Math.max(newest, Number(query.fromDate || 0));
      const page = await get("/v2/logs", { ...query, order: "latestFirst", count: TAIL_COUNT, fromDate: from ? String(from) : "" });
      const fresh = page.logs.filter((e) => !shown.has(keyOf(e)));
      if (fresh.length && !signal.aborted) {
        const body = results.querySelector("tbody");
        results.querySelector(".none")?.remove();
        const earliest = query.order === "earliestFirst";
        for (const e of earliest ? fresh.reverse() : fresh) {
          shown.add(keyOf(e));
          newest = Math.max(newest, e.time);
        }
        const rows = fresh.map(row);
        if (earliest) body.append(...rows);
        else body.prepend(...rows);
      }
      tailState.textContent = `Checked at ${time(Date.now())}${page.cursor ? ` (more than ${TAIL_COUNT} new: apply the filters again to see all)` : ""}`;
    } catch (e) {
      say(e.message, "error");
    }
    schedule();
  };
  const schedule = () => {
    if (!timer && !signal.aborted && tail.checked && document.visibilityState === "visible") timer = setTimeout(poll, TAIL_MS);
  };
  const stop = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  tail.addEventListener("change", () => {
    stop();
    tailState.textContent = tail.checked ? "Tailing…" : "";
    schedule();
  });
  const onVisibility = () => (document.visibilityState === "visible" ? schedule() : stop());
  document.addEventListener("visibilitychange", onVisibility);
  signal.addEventListener("abort", () => {
    stop();
    document.removeEventListener("visibilitychange", onVisibility);
  });

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    kept = { state: inputs.state.value, fromDate: inputs.fromDate.value, toDate: inputs.toDate.value, order: inputs.order.value, count: inputs.count.value };
    for (const [k] of MULTI) kept[k] = inputs[k].value;
    query = queryOf(inputs);
    load().catch((err) => say(err.message, "error"));
  });
  await load();
}
