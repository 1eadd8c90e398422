// Schedules: the list, one schedule (with the states of its last tick), create, pause, resume and
// delete. The next fire time is the server's own (nextScheduleTime); the console computes none.
import { call, get } from "./api.js";
import { h, field, link, time, props, headerTable, table, say, ask, act } from "./dom.js";
import { parseHeaders } from "./publish.js";

const METHODS = ["POST", "PUT", "PATCH", "GET", "DELETE"];
const path = (id) => `/v2/schedules/${encodeURIComponent(id)}`;

function bodyOf(s) {
  return s.body ?? (s.bodyBase64 ? `(binary, base64) ${s.bodyBase64}` : "");
}

/** Pause or resume, then `done()`. */
function pauseButton(s, done) {
  const label = s.isPaused ? "Resume" : "Pause";
  const b = h("button", { type: "button", class: "secondary", "aria-label": `${label} schedule ${s.scheduleId}` }, label);
  b.addEventListener("click", () =>
    act(b, async () => {
      await call("POST", `${path(s.scheduleId)}/${s.isPaused ? "resume" : "pause"}`);
      say(`${s.isPaused ? "Resumed" : "Paused"} schedule ${s.scheduleId}.`);
      await done();
    }),
  );
  return b;
}

function deleteButton(s, done) {
  const b = h("button", { type: "button", class: "danger", "aria-label": `Delete schedule ${s.scheduleId}` }, "Delete");
  b.addEventListener("click", () =>
    act(b, async () => {
      if (!(await ask(`Delete schedule ${s.scheduleId}? It will not fire again.`, "Delete"))) return;
      await call("DELETE", path(s.scheduleId));
      say(`Deleted schedule ${s.scheduleId}.`);
      await done();
    }),
  );
  return b;
}

const stateOf = (s) => (s.isPaused ? "Paused" : "Active");

function createForm(onCreated) {
  const destination = h("input", { type: "text", name: "destination", required: true, size: 60, placeholder: "https://example.com/hook or a URL group name" });
  const cron = h("input", { type: "text", name: "cron", required: true, placeholder: "*/5 * * * *", spellcheck: "false" });
  const method = h("select", { name: "method" }, METHODS.map((m) => h("option", { value: m }, m)));
  const body = h("textarea", { name: "body", rows: 4 });
  const headers = h("textarea", { name: "headers", rows: 3, placeholder: "Content-Type: application/json\nUpstash-Retries: 2" });
  const submit = h("button", { type: "submit" }, "Create schedule");
  const form = h(
    "form",
    { class: "stack", "aria-labelledby": "new-schedule-h" },
    field("Destination (URL or URL group)", destination),
    field('Cron (five fields; "CRON_TZ=Europe/Paris " before them for a zone, UTC otherwise)', cron),
    field("Method", method),
    field("Body", body),
    field('Headers, one "Name: value" a line (Upstash-* headers configure each message)', headers),
    h("div", {}, submit),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act(submit, async () => {
      const hs = new Headers();
      for (const [k, v] of parseHeaders(headers.value)) hs.append(k, v);
      hs.set("Upstash-Cron", cron.value.trim());
      hs.set("Upstash-Method", method.value);
      if (!hs.has("Content-Type")) hs.set("Content-Type", "text/plain;charset=UTF-8");
      const r = await call("POST", "/v2/schedules/" + destination.value.trim(), { body: body.value, headers: hs, raw: true });
      say(`Created schedule ${r.scheduleId}.`);
      form.reset();
      await onCreated(r.scheduleId);
    });
  });
  return h("section", {}, h("h2", { id: "new-schedule-h" }, "Create a schedule"), form);
}

export async function schedules(view) {
  view.append(h("h1", {}, "Schedules"));
  const results = h("div");
  const load = async () => {
    const list = await get("/v2/schedules");
    list.sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
    const rows = list.map((s) =>
      h(
        "tr",
        {},
        h("td", { class: "mono" }, link(s.scheduleId, "schedules", s.scheduleId)),
        h("td", { class: "mono" }, s.destination),
        h("td", { class: "mono" }, s.cron),
        h("td", {}, stateOf(s)),
        h("td", {}, time(s.lastScheduleTime)),
        h("td", {}, time(s.nextScheduleTime)),
        h("td", {}, h("div", { class: "actions" }, pauseButton(s, load), deleteButton(s, load))),
      ),
    );
    results.replaceChildren(table("Schedules, newest first", ["Id", "Destination", "Cron", "State", "Last fired", "Next fire", "Actions"], rows));
    if (rows.length === 0) results.append(h("p", {}, "No schedules yet."));
  };
  view.append(results, createForm(load));
  await load();
}

export async function schedule(view, id) {
  view.append(h("p", {}, link("← Schedules", "schedules")), h("h1", {}, "Schedule ", h("span", { class: "mono" }, id)));
  const body = h("div");
  view.append(body);
  const gone = () => {
    location.hash = "#/schedules";
  };
  const load = async () => {
    const s = await get(path(id));
    const states = Object.entries(s.lastScheduleStates ?? {}).map(([messageId, state]) =>
      h("tr", {}, h("td", { class: "mono" }, link(messageId, "messages", messageId)), h("td", {}, state)),
    );
    body.replaceChildren(
      h("div", { class: "actions" }, pauseButton(s, load), deleteButton(s, gone)),
      props([
        ["State", stateOf(s)],
        ["Destination", h("span", { class: "mono" }, s.destination)],
        ["Cron", h("span", { class: "mono" }, s.cron)],
        ["Method", s.method],
        ["Created", time(s.createdAt)],
        ["Last fired", time(s.lastScheduleTime)],
        ["Next fire (server)", time(s.nextScheduleTime)],
        ["Retries", s.retries],
        ["Delay (s)", s.delay],
        ["Timeout (s)", s.timeout],
        ["Queue", s.queueName],
        ["Callback", s.callback],
        ["Failure callback", s.failureCallback],
        ["Flow-control key", s.flowControlKey],
        ["Label", s.label],
      ]),
      headerTable(s.header, "Headers"),
      h("h2", {}, "Body"),
      h("pre", { class: "body" }, bodyOf(s)),
      h("h2", {}, "Last states"),
      states.length
        ? table("Messages of the last tick", ["Message", "State"], states)
        : h("p", { class: "muted" }, "It has not fired yet."),
    );
  };
  await load();
}
