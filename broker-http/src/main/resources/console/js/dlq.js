// The DLQ: list with filters, one entry (body, headers, last response), retry and delete, one at a
// time or the selected ones in bulk.
import { call, get } from "./api.js";
import { h, field, link, time, props, headerTable, table, say, ask, act } from "./dom.js";

const FILTERS = [
  ["url", "URL"],
  ["messageId", "Message id"],
  ["topicName", "URL group"],
  ["queueName", "Queue"],
  ["scheduleId", "Schedule id"],
  ["label", "Label"],
  ["responseStatus", "Response status"],
];

let query = {};

export async function dlqList(view) {
  view.append(h("h1", {}, "Dead-letter queue"));
  const inputs = {};
  for (const [k] of FILTERS) inputs[k] = h("input", { type: "text", name: k, value: query[k] ?? "" });
  const form = h(
    "form",
    { class: "filters", "aria-label": "Filter DLQ entries" },
    FILTERS.map(([k, label]) => field(label, inputs[k])),
    h("button", { type: "submit" }, "Apply"),
  );
  const all = h("input", { type: "checkbox", "aria-label": "Select all entries shown" });
  const retry = h("button", { type: "button" }, "Retry selected");
  const del = h("button", { type: "button", class: "danger" }, "Delete selected");
  const results = h("div");
  view.append(form, h("div", { class: "actions" }, retry, del), results);
  const selected = () => [...results.querySelectorAll("input.pick:checked")].map((c) => c.value);
  all.addEventListener("change", () => results.querySelectorAll("input.pick").forEach((c) => (c.checked = all.checked)));

  const load = async (cursor, append) => {
    const page = await get("/v2/dlq", { count: 50, order: "latestFirst", cursor, ...query });
    const rows = page.messages.map((m) =>
      h(
        "tr",
        {},
        h("td", {}, h("input", { type: "checkbox", class: "pick", value: m.dlqId, "aria-label": `Select ${m.dlqId}` })),
        h("td", { class: "mono" }, link(m.dlqId, "dlq", m.dlqId)),
        h("td", { class: "mono" }, m.url),
        h("td", {}, m.responseStatus),
        h("td", {}, time(m.failedAt)),
        h("td", { class: "mono" }, link(m.messageId, "messages", m.messageId)),
      ),
    );
    if (!append) {
      all.checked = false;
      results.replaceChildren(
        table("DLQ entries", [all, "DLQ id", "URL", "Status", "Failed", "Message"], rows),
      );
      if (rows.length === 0) results.append(h("p", {}, "The DLQ is empty (for these filters)."));
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
    query = {};
    for (const [k] of FILTERS) query[k] = inputs[k].value.trim();
    load().catch((err) => say(err.message, "error"));
  });
  retry.addEventListener("click", () =>
    act(retry, async () => {
      const ids = selected();
      if (ids.length === 0) return say("Select entries first.", "error");
      const r = await call("POST", "/v2/dlq/retry", { body: { dlqIds: ids } });
      say(`Retried ${r.responses.length} entries as new messages.`);
      await load();
    }),
  );
  del.addEventListener("click", () =>
    act(del, async () => {
      const ids = selected();
      if (ids.length === 0) return say("Select entries first.", "error");
      if (!(await ask(`Delete ${ids.length} DLQ entries? This cannot be undone.`, "Delete"))) return;
      const r = await call("DELETE", "/v2/dlq", { body: { dlqIds: ids } });
      say(`Deleted ${r.deleted} entries.`);
      await load();
    }),
  );
  await load();
}

export async function dlqEntry(view, id) {
  view.append(h("p", {}, link("← DLQ", "dlq")), h("h1", {}, "DLQ entry ", h("span", { class: "mono" }, id)));
  const m = await get(`/v2/dlq/${encodeURIComponent(id)}`);
  const retry = h("button", { type: "button" }, "Retry");
  const del = h("button", { type: "button", class: "danger" }, "Delete");
  const path = `/v2/dlq/${encodeURIComponent(id)}`;
  retry.addEventListener("click", () =>
    act(retry, async () => {
      const r = await call("POST", `/v2/dlq/retry/${encodeURIComponent(id)}`);
      say(`Retried as message ${r.messageId}.`);
      location.hash = `#/messages/${encodeURIComponent(r.messageId)}`;
    }),
  );
  del.addEventListener("click", () =>
    act(del, async () => {
      if (!(await ask(`Delete DLQ entry ${id}? This cannot be undone.`, "Delete"))) return;
      await call("DELETE", path);
      say(`Deleted DLQ entry ${id}.`);
      location.hash = "#/dlq";
    }),
  );
  view.append(
    h("div", { class: "actions" }, retry, del),
    props([
      ["Message", link(m.messageId, "messages", m.messageId)],
      ["URL", h("span", { class: "mono" }, m.url)],
      ["Method", m.method],
      ["URL group", m.topicName],
      ["Queue", m.queueName],
      ["Created", time(m.createdAt)],
      ["Failed", time(m.failedAt)],
      ["Retries", m.maxRetries],
      ["Error", m.error],
    ]),
    headerTable(m.header, "Message headers"),
    h("h2", {}, "Body"),
    h("pre", { class: "body" }, m.body ?? (m.bodyBase64 ? `(binary, base64) ${m.bodyBase64}` : "")),
    h("h2", {}, "Last response"),
    props([["Status", String(m.responseStatus)]]),
    headerTable(m.responseHeader, "Response headers"),
    h("pre", { class: "response" }, m.responseBody ?? (m.responseBodyBase64 ? `(binary, base64) ${m.responseBodyBase64}` : "")),
  );
}
