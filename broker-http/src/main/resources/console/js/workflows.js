// Workflow runs: the list from GET /v2/workflows/logs, one run's steps, cancel, and for a failed
// run its workflow DLQ entries with resume and restart.
import { call, get } from "./api.js";
import { h, field, link, time, badge, props, table, say, ask, act } from "./dom.js";

const STATES = ["", "RUN_STARTED", "RUN_SUCCESS", "RUN_FAILED", "RUN_CANCELED"];
let query = {};

export async function runs(view) {
  view.append(h("h1", {}, "Workflow runs"));
  const id = h("input", { type: "text", name: "workflowRunId", value: query.workflowRunId ?? "" });
  const url = h("input", { type: "text", name: "workflowUrl", value: query.workflowUrl ?? "" });
  const state = h("select", { name: "state" }, STATES.map((s) => h("option", { value: s, selected: query.state === s }, s || "any")));
  const form = h(
    "form",
    { class: "filters", "aria-label": "Filter workflow runs" },
    field("Run id", id),
    field("Workflow URL", url),
    field("State", state),
    h("button", { type: "submit" }, "Apply"),
  );
  const results = h("div");
  view.append(form, results);
  const load = async (cursor, append) => {
    const page = await get("/v2/workflows/logs", { count: 10, cursor, ...query });
    const rows = page.runs.map((r) =>
      h(
        "tr",
        {},
        h("td", { class: "mono" }, link(r.workflowRunId, "workflows", r.workflowRunId)),
        h("td", {}, badge(r.workflowState)),
        h("td", { class: "mono" }, r.workflowUrl),
        h("td", {}, time(r.workflowRunCreatedAt)),
        h("td", {}, time(r.workflowRunCompletedAt)),
      ),
    );
    if (!append) {
      results.replaceChildren(table("Workflow runs, newest first", ["Run", "State", "URL", "Started", "Ended"], rows));
      if (rows.length === 0) results.append(h("p", {}, "No runs match."));
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
    query = { workflowRunId: id.value.trim(), workflowUrl: url.value.trim(), state: state.value };
    load().catch((err) => say(err.message, "error"));
  });
  await load();
}

function text(v) {
  if (v === undefined || v === null) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}

function step(s) {
  return h(
    "li",
    { class: "step" },
    h("div", {}, h("strong", {}, s.stepName || s.messageId || "next"), " ", s.stepType ? `(${s.stepType})` : "", " ", badge(s.state), h("span", { class: "when" }, time(s.createdAt))),
    props([
      ["Step id", s.stepId === undefined ? "" : String(s.stepId)],
      ["Message", s.messageId ? link(s.messageId, "messages", s.messageId) : ""],
      ["Retries", s.retries === undefined ? "" : String(s.retries)],
    ]),
    s.out !== undefined ? [h("div", { class: "muted" }, "Output"), h("pre", { class: "out" }, text(s.out))] : [],
    (s.errors ?? []).map((e) => h("pre", { class: "error" }, `${time(e.time)} ${text(e.error)}`)),
  );
}

export async function run(view, runId) {
  view.append(h("p", {}, link("← Workflow runs", "workflows")), h("h1", {}, "Workflow run ", h("span", { class: "mono" }, runId)));
  const page = await get("/v2/workflows/logs", { workflowRunId: runId });
  const r = page.runs[0];
  if (!r) {
    view.append(h("p", {}, "No such run (it may have expired)."));
    return;
  }
  const actions = h("div", { class: "actions" });
  if (r.workflowState === "RUN_STARTED") {
    const cancel = h("button", { type: "button", class: "danger" }, "Cancel run");
    cancel.addEventListener("click", () =>
      act(cancel, async () => {
        if (!(await ask(`Cancel workflow run ${runId}?`, "Cancel run"))) return;
        // the bulk cancel, as the SDK's Client.cancel does (DELETE of one run without ?cancel=true
        // would end it as a success)
        const r = await call("DELETE", "/v2/workflows/runs", { query: { workflowRunIds: runId } });
        say(r.cancelled === 1 ? `Run ${runId} cancelled.` : `Run ${runId} was not running any more.`);
        view.replaceChildren();
        await run(view, runId);
      }),
    );
    actions.append(cancel);
  }
  view.append(
    props([
      ["State", badge(r.workflowState)],
      ["URL", h("span", { class: "mono" }, r.workflowUrl)],
      ["Started", time(r.workflowRunCreatedAt)],
      ["Ended", time(r.workflowRunCompletedAt)],
      ["Labels", (r.labels ?? []).join(", ")],
    ]),
    actions,
  );
  if (r.workflowRunResponse !== undefined) view.append(h("h2", {}, "Response"), h("pre", { class: "response" }, r.workflowRunResponse));
  view.append(
    h("h2", {}, "Steps"),
    h(
      "ol",
      { class: "timeline" },
      r.steps.map((g) =>
        h("li", { class: "group" }, g.type === "sequential" ? [] : h("div", { class: "muted" }, g.type === "parallel" ? "In parallel:" : "Next:"), h("ol", { class: "steps" }, g.steps.map(step))),
      ),
    ),
  );
  if (r.workflowState === "RUN_STARTED") await waiting(view, runId);
  if (r.workflowState === "RUN_FAILED") await failed(view, runId);
}

/** The events the run waits for (context.waitForEvent / waitForWebhook), if any. */
async function waiting(view, runId) {
  const w = await get(`/console/api/workflows/runs/${encodeURIComponent(runId)}/waiters`);
  if (w.waiters.length === 0) return;
  const rows = w.waiters.map((x) =>
    h("tr", {}, h("td", { class: "mono" }, x.eventId), h("td", {}, `${x.stepName} (${x.stepId})`), h("td", {}, time(x.createdAt)), h("td", {}, time(x.deadline))),
  );
  view.append(h("h2", {}, "Waiting for events"), table("Events the run waits for", ["Event id", "Step", "Since", "Times out"], rows));
}

/** The run's workflow DLQ entries, each with resume (from the failed step) and restart. */
async function failed(view, runId) {
  const d = await get("/v2/dlq", { source: "workflow", workflowRunId: runId });
  view.append(h("h2", {}, "In the workflow DLQ"));
  if (d.messages.length === 0) {
    view.append(h("p", {}, "No DLQ entry for this run."));
    return;
  }
  for (const m of d.messages) {
    const again = (how) => {
      const b = h("button", { type: "button", class: how === "resume" ? "" : "secondary" }, how === "resume" ? "Resume run" : "Restart run");
      b.addEventListener("click", () =>
        act(b, async () => {
          const n = await call("POST", `/v2/workflows/dlq/${how}/${encodeURIComponent(m.dlqId)}`);
          say(`${how === "resume" ? "Resumed" : "Restarted"} as run ${n.workflowRunId}.`);
          location.hash = `#/workflows/${encodeURIComponent(n.workflowRunId)}`;
        }),
      );
      return b;
    };
    view.append(
      props([
        ["DLQ id", link(m.dlqId, "dlq", m.dlqId)],
        ["Response status", String(m.responseStatus)],
        ["Error", m.error],
      ]),
      m.responseBody ? h("pre", { class: "response" }, m.responseBody) : "",
      h("div", { class: "actions" }, again("resume"), again("restart")),
    );
  }
}
