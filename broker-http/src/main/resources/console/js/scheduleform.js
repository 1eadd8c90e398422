// The form that creates a schedule, or edits one: QStash edits by creating it again under the same
// id (Upstash-Schedule-Id), which replaces every field, so the form starts from what the schedule
// holds, written as the headers that set it (docs/api.md#schedules).
import { call } from "./api.js";
import { h, field, say, act } from "./dom.js";
import { parseHeaders } from "./publish.js";

const METHODS = ["POST", "PUT", "PATCH", "GET", "DELETE"];

/** The schedule's settings as "Name: value" lines of the headers that would set them again. */
export function headerLines(s) {
  const lines = [];
  for (const [name, values] of Object.entries(s.header ?? {})) {
    for (const v of Array.isArray(values) ? values : [values]) {
      lines.push(name.toLowerCase() === "content-type" ? `Content-Type: ${v}` : `Upstash-Forward-${name}: ${v}`);
    }
  }
  const add = (name, v) => v !== undefined && v !== null && v !== "" && lines.push(`${name}: ${v}`);
  add("Upstash-Retries", s.retries);
  add("Upstash-Retry-Delay", s.retryDelayExpression);
  add("Upstash-Delay", s.delay ? `${s.delay}s` : "");
  add("Upstash-Timeout", s.timeout ? `${s.timeout}s` : "");
  add("Upstash-Queue-Name", s.queueName);
  add("Upstash-Callback", s.callback);
  for (const [name, vs] of Object.entries(s.callbackHeader ?? {})) for (const v of [vs].flat()) add(`Upstash-Callback-Forward-${name}`, v);
  add("Upstash-Failure-Callback", s.failureCallback);
  for (const [name, vs] of Object.entries(s.failureCallbackHeader ?? {})) for (const v of [vs].flat()) add(`Upstash-Failure-Callback-Forward-${name}`, v);
  if (s.flowControlKey) {
    add("Upstash-Flow-Control-Key", s.flowControlKey);
    const value = [s.parallelism && `parallelism=${s.parallelism}`, s.rate && `rate=${s.rate}`, s.rate && s.period && `period=${s.period}s`].filter(Boolean).join(", ");
    add("Upstash-Flow-Control-Value", value);
  }
  add("Upstash-Label", (s.labels ?? []).join(","));
  return lines.join("\n");
}

/**
 * A schedule's form. Without `s` it creates one; with `s` it is filled from it and saves under
 * its id. `onSaved(scheduleId)` runs after the server answered.
 */
export function scheduleForm(s, onSaved) {
  const editing = Boolean(s);
  const destination = h("input", { type: "text", name: "destination", required: true, size: 60, placeholder: "https://example.com/hook or a URL group name", value: s?.destination ?? "" });
  const cron = h("input", { type: "text", name: "cron", required: true, placeholder: "*/5 * * * *", spellcheck: "false", value: s?.cron ?? "" });
  const method = h("select", { name: "method" }, METHODS.map((m) => h("option", { value: m, selected: s?.method === m }, m)));
  const body = h("textarea", { name: "body", rows: 4 }, s?.body ?? "");
  const headers = h("textarea", { name: "headers", rows: editing ? 6 : 3, placeholder: "Content-Type: application/json\nUpstash-Retries: 2" }, s ? headerLines(s) : "");
  const submit = h("button", { type: "submit" }, editing ? "Save schedule" : "Create schedule");
  const titleId = editing ? "edit-schedule-h" : "new-schedule-h";
  const form = h(
    "form",
    { class: "stack", "aria-labelledby": titleId },
    field("Destination (URL or URL group)", destination),
    field('Cron (five fields; "CRON_TZ=Europe/Paris " before them for a zone, UTC otherwise)', cron),
    field("Method", method),
    field("Body", body),
    field('Headers, one "Name: value" a line (Upstash-* headers configure each message)', headers),
    editing && s.bodyBase64 ? h("p", { class: "muted" }, "The body is binary: saving from here replaces it with the text above.") : null,
    h("div", {}, submit),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act(submit, async () => {
      const hs = new Headers();
      for (const [k, v] of parseHeaders(headers.value)) hs.append(k, v);
      hs.set("Upstash-Cron", cron.value.trim());
      hs.set("Upstash-Method", method.value);
      if (editing) hs.set("Upstash-Schedule-Id", s.scheduleId);
      if (!hs.has("Content-Type")) hs.set("Content-Type", "text/plain;charset=UTF-8");
      const r = await call("POST", "/v2/schedules/" + destination.value.trim(), { body: body.value, headers: hs, raw: true });
      say(`${editing ? "Saved" : "Created"} schedule ${r.scheduleId}.`);
      if (!editing) form.reset();
      await onSaved(r.scheduleId);
    });
  });
  return h(
    "section",
    {},
    h("h2", { id: titleId }, editing ? "Edit this schedule" : "Create a schedule"),
    editing ? h("p", { class: "muted" }, "Saving replaces the schedule under the same id: fields left out are cleared, and its creation time and last states start again.") : null,
    form,
  );
}
