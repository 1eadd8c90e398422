// Publish: a form for one message to a URL or URL group.
import { call } from "./api.js";
import { h, field, link, say, act } from "./dom.js";

const METHODS = ["POST", "PUT", "PATCH", "GET", "DELETE"];

/** "Name: value" lines as [name, value] pairs; throws on a line without a colon. */
export function parseHeaders(text) {
  const out = [];
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (!line) continue;
    const c = line.indexOf(":");
    if (c <= 0) throw new Error(`header line ${i + 1} has no "Name: value"`);
    out.push([line.slice(0, c).trim(), line.slice(c + 1).trim()]);
  }
  return out;
}

export async function publish(view) {
  view.append(h("h1", {}, "Publish a message"));
  const destination = h("input", { type: "text", name: "destination", required: true, placeholder: "https://example.com/hook or a URL group name", size: 60 });
  const method = h("select", { name: "method" }, METHODS.map((m) => h("option", { value: m }, m)));
  const body = h("textarea", { name: "body", rows: 6 });
  const headers = h("textarea", { name: "headers", rows: 4, placeholder: "Content-Type: application/json\nUpstash-Forward-X-Trace: abc" });
  const delay = h("input", { type: "number", name: "delay", min: 0, step: 1, inputmode: "numeric" });
  const retries = h("input", { type: "number", name: "retries", min: 0, step: 1, inputmode: "numeric" });
  const result = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit" }, "Publish");
  const form = h(
    "form",
    { class: "stack", "aria-label": "Publish a message" },
    field("Destination (URL or URL group)", destination),
    field("Method", method),
    field("Body", body),
    field('Headers, one "Name: value" a line (Upstash-* headers configure the message)', headers),
    field("Delay (seconds)", delay),
    field("Retries", retries),
    h("div", {}, submit),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act(submit, async () => {
      const h2 = new Headers();
      for (const [k, v] of parseHeaders(headers.value)) h2.append(k, v);
      h2.set("Upstash-Method", method.value);
      if (delay.value) h2.set("Upstash-Delay", `${delay.value}s`);
      if (retries.value) h2.set("Upstash-Retries", retries.value);
      if (!h2.has("Content-Type")) h2.set("Content-Type", "text/plain;charset=UTF-8");
      const r = await call("POST", "/v2/publish/" + destination.value.trim(), { body: body.value, headers: h2, raw: true });
      const list = Array.isArray(r) ? r : [r];
      result.replaceChildren(
        h("h2", {}, "Published"),
        h("ul", {}, list.map((m) => h("li", {}, link(m.messageId, "messages", m.messageId), m.url ? ` → ${m.url}` : ""))),
      );
      say(`Published ${list.length} message${list.length === 1 ? "" : "s"}.`);
    });
  });
  view.append(form, result);
}
