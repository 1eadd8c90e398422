// Queues: parallelism, lag (messages not yet final), pause and resume, set parallelism, create
// and delete.
import { call, get } from "./api.js";
import { h, field, table, say, ask, act } from "./dom.js";

const path = (name) => `/v2/queues/${encodeURIComponent(name)}`;

function button(label, name, cls, fn) {
  const b = h("button", { type: "button", class: cls, "aria-label": `${label} queue ${name}` }, label);
  b.addEventListener("click", () => act(b, fn));
  return b;
}

/** The parallelism of one queue: a number field and "Set" (an upsert that keeps `paused`). */
function parallelismForm(q, load) {
  const n = h("input", { type: "number", name: "parallelism", min: 1, max: 1000, step: 1, value: q.parallelism, "aria-label": `Parallelism of queue ${q.name}`, class: "narrow" });
  const set = h("button", { type: "submit", class: "secondary", "aria-label": `Set parallelism of queue ${q.name}` }, "Set");
  const form = h("form", { class: "inline" }, n, set);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act(set, async () => {
      await call("POST", "/v2/queues", { body: { queueName: q.name, parallelism: Number(n.value), paused: q.paused } });
      say(`Queue ${q.name} now has parallelism ${n.value}.`);
      await load();
    });
  });
  return form;
}

export async function queues(view) {
  view.append(h("h1", {}, "Queues"));
  const results = h("div");
  const load = async () => {
    const list = await get("/v2/queues");
    list.sort((a, b) => a.name.localeCompare(b.name));
    const rows = list.map((q) =>
      h(
        "tr",
        {},
        h("td", { class: "mono" }, q.name),
        h("td", {}, parallelismForm(q, load)),
        h("td", {}, String(q.lag ?? 0)),
        h("td", {}, q.paused ? "Paused" : "Running"),
        h(
          "td",
          {},
          h(
            "div",
            { class: "actions" },
            q.paused
              ? button("Resume", q.name, "secondary", async () => {
                  await call("POST", `${path(q.name)}/resume`);
                  say(`Resumed queue ${q.name}.`);
                  await load();
                })
              : button("Pause", q.name, "secondary", async () => {
                  await call("POST", `${path(q.name)}/pause`);
                  say(`Paused queue ${q.name}.`);
                  await load();
                }),
            button("Delete", q.name, "danger", async () => {
              if (!(await ask(`Delete queue ${q.name}? Its waiting messages are cancelled.`, "Delete"))) return;
              await call("DELETE", path(q.name));
              say(`Deleted queue ${q.name}.`);
              await load();
            }),
          ),
        ),
      ),
    );
    results.replaceChildren(table("Queues", ["Name", "Parallelism", "Lag (not yet final)", "State", "Actions"], rows));
    if (rows.length === 0) results.append(h("p", {}, "No queues yet."));
  };
  const name = h("input", { type: "text", name: "queueName", required: true, pattern: "[A-Za-z0-9._\\-]+" });
  const parallelism = h("input", { type: "number", name: "parallelism", min: 1, max: 1000, step: 1, value: 1 });
  const create = h("button", { type: "submit" }, "Create queue");
  const form = h(
    "form",
    { class: "filters", "aria-labelledby": "new-queue-h" },
    field("Queue name", name),
    field("Parallelism", parallelism),
    create,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act(create, async () => {
      await call("POST", "/v2/queues", { body: { queueName: name.value.trim(), parallelism: Number(parallelism.value) } });
      say(`Created queue ${name.value.trim()}.`);
      form.reset();
      await load();
    });
  });
  view.append(results, h("h2", { id: "new-queue-h" }, "Create a queue"), form);
  await load();
}
