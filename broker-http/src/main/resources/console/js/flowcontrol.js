// Flow-control keys: the list (with a search), and one key: pause, resume, pin, unpin, reset rate.
import { call, get } from "./api.js";
import { h, field, link, time, table, props, say, act } from "./dom.js";

const path = (key) => `/v2/flowControl/${encodeURIComponent(key)}`;
let search = "";

const limit = (count, max) => `${count} of ${max === 0 ? "unlimited" : max}`;

export async function flowKeys(view) {
  view.append(h("h1", {}, "Flow-control keys"));
  const input = h("input", { type: "search", name: "search", value: search });
  const form = h("form", { class: "filters", "aria-label": "Search flow-control keys" }, field("Key contains", input), h("button", { type: "submit" }, "Search"));
  const results = h("div");
  const load = async () => {
    const list = await get("/v2/flowControl", { search });
    list.sort((a, b) => a.flowControlKey.localeCompare(b.flowControlKey));
    const rows = list.map((k) =>
      h(
        "tr",
        {},
        h("td", { class: "mono" }, link(k.flowControlKey, "flow-control", k.flowControlKey)),
        h("td", {}, k.isPaused ? "Paused" : "Running"),
        h("td", {}, limit(k.parallelismCount, k.parallelismMax), k.isPinnedParallelism ? " (pinned)" : ""),
        h("td", {}, limit(k.rateCount, k.rateMax), ` per ${k.ratePeriod} s`, k.isPinnedRate ? " (pinned)" : ""),
        h("td", {}, String(k.waitListSize)),
      ),
    );
    results.replaceChildren(table("Flow-control keys", ["Key", "State", "In flight", "Rate", "Waiting"], rows));
    if (rows.length === 0) results.append(h("p", {}, "No flow-control keys (for this search)."));
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    search = input.value.trim();
    load().catch((err) => say(err.message, "error"));
  });
  view.append(form, results);
  await load();
}

export async function flowKey(view, key) {
  view.append(h("p", {}, link("← Flow-control keys", "flow-control")), h("h1", {}, "Flow-control key ", h("span", { class: "mono" }, key)));
  const body = h("div");
  view.append(body);
  const post = (what, query, done) => async () => {
    await call("POST", `${path(key)}/${what}`, { query });
    say(done);
    await load();
  };
  const button = (label, fn, cls = "secondary") => {
    const b = h("button", { type: "button", class: cls }, label);
    b.addEventListener("click", () => act(b, fn));
    return b;
  };
  const load = async () => {
    const k = await get(path(key));
    const parallelism = h("input", { type: "number", name: "parallelism", min: 0, step: 1, value: k.parallelismMax || "" });
    const rate = h("input", { type: "number", name: "rate", min: 0, step: 1, value: k.rateMax || "" });
    const period = h("input", { type: "number", name: "period", min: 1, step: 1, value: k.ratePeriod || "" });
    const pin = h("button", { type: "submit" }, "Pin");
    const pinForm = h(
      "form",
      { class: "filters", "aria-labelledby": "pin-h" },
      field("Parallelism", parallelism),
      field("Rate", rate),
      field("Period (seconds)", period),
      pin,
    );
    pinForm.addEventListener("submit", (e) => {
      e.preventDefault();
      act(pin, post("pin", { parallelism: parallelism.value, rate: rate.value, period: period.value }, `Pinned ${key}.`));
    });
    body.replaceChildren(
      h(
        "div",
        { class: "actions" },
        k.isPaused ? button("Resume", post("resume", {}, `Resumed ${key}.`)) : button("Pause", post("pause", {}, `Paused ${key}.`)),
        button("Reset rate", post("resetRate", {}, `Reset the rate of ${key}.`)),
      ),
      props([
        ["State", k.isPaused ? "Paused" : "Running"],
        ["In flight", limit(k.parallelismCount, k.parallelismMax) + (k.isPinnedParallelism ? " (pinned)" : "")],
        ["Started this period", limit(k.rateCount, k.rateMax) + (k.isPinnedRate ? " (pinned)" : "")],
        ["Rate period (s)", String(k.ratePeriod)],
        ["Period started", time(k.ratePeriodStart * 1000)],
        ["Waiting", String(k.waitListSize)],
      ]),
      h("h2", { id: "pin-h" }, "Pin limits"),
      h("p", { class: "muted" }, "Pinned limits override what messages declare until unpinned; a field left empty is not pinned."),
      pinForm,
      h(
        "div",
        { class: "actions" },
        button("Unpin parallelism", post("unpin", { parallelism: "true", rate: "false" }, `Unpinned the parallelism of ${key}.`)),
        button("Unpin rate", post("unpin", { parallelism: "false", rate: "true" }, `Unpinned the rate of ${key}.`)),
      ),
    );
  };
  await load();
}
