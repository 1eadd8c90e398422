// Schedules: the list, one schedule (its next fire times, the states of its last tick), create,
// edit, pause, resume and delete. Fire times come from the server: the console evaluates no cron.
import { call, get } from "./api.js";
import { h, link, time, props, headerTable, table, say, ask, act } from "./dom.js";
import { scheduleForm } from "./scheduleform.js";
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
  view.append(results, scheduleForm(undefined, load));
  await load();
}

/** The zone of a "CRON_TZ=<zone> ..." (or "TZ=") expression, else undefined (UTC). */
function zoneOf(cron) {
  return /^\s*(?:CRON_)?TZ=(\S+)\s/.exec(cron ?? "")?.[1];
}

/** Fire times (ms) as computed by the server, in local time and in the expression's zone. */
function fireTimes(cron, times) {
  if (!times.length) return h("p", { class: "muted" }, "It does not fire again.");
  const zone = zoneOf(cron) ?? "UTC";
  const inZone = (ms) => {
    try {
      return new Date(ms).toLocaleString(undefined, { timeZone: zone, hour12: false });
    } catch {
      return "";
    }
  };
  return h(
    "ol",
    { id: "fire-times", "aria-labelledby": "fire-h" },
    times.map((ms) => h("li", { "data-ms": ms }, time(ms), h("span", { class: "when" }, `${inZone(ms)} ${zone}`))),
  );
}

export async function schedule(view, id) {
  view.append(h("p", {}, link("← Schedules", "schedules")), h("h1", {}, "Schedule ", h("span", { class: "mono" }, id)));
  const body = h("div");
  view.append(body);
  const gone = () => {
    location.hash = "#/schedules";
  };
  let editor; // the edit form while it is open
  const load = async () => {
    const s = await get(path(id));
    const next = await get(`/console/api/schedules/${encodeURIComponent(id)}/next`, { count: 5 });
    const edit = h("button", { type: "button", class: "secondary", "aria-expanded": "false", "aria-label": `Edit schedule ${id}` }, "Edit");
    edit.addEventListener("click", () => {
      editor?.remove();
      editor = scheduleForm(s, async () => {
        editor.remove();
        editor = undefined;
        await load();
      });
      edit.setAttribute("aria-expanded", "true");
      body.before(editor);
      editor.querySelector("input").focus();
    });
    const states = Object.entries(s.lastScheduleStates ?? {}).map(([messageId, state]) =>
      h("tr", {}, h("td", { class: "mono" }, link(messageId, "messages", messageId)), h("td", {}, state)),
    );
    body.replaceChildren(
      h("div", { class: "actions" }, pauseButton(s, load), edit, deleteButton(s, gone)),
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
      h("h2", { id: "fire-h" }, "Next fire times"),
      fireTimes(s.cron, next.nextFireTimes),
      h("h2", {}, "Last states"),
      states.length
        ? table("Messages of the last tick", ["Message", "State"], states)
        : h("p", { class: "muted" }, "It has not fired yet."),
    );
  };
  await load();
}
