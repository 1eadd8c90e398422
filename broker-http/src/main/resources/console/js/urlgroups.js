// URL groups: each group with its endpoints; add and remove endpoints, delete a group. Groups are
// created by adding their first endpoint.
import { call, get } from "./api.js";
import { h, field, table, say, ask, act, headerTable } from "./dom.js";

const path = (name) => `/v2/topics/${encodeURIComponent(name)}`;

/** The form that adds an endpoint; `group` is null for "a new group" (its name is then a field). */
function addForm(group, load) {
  const name = group ? null : h("input", { type: "text", name: "group", required: true, pattern: "[A-Za-z0-9._\\-]+" });
  const url = h("input", { type: "text", inputmode: "url", name: "url", required: true, size: 50, placeholder: "https://example.com/hook" });
  const endpointName = h("input", { type: "text", name: "endpointName" });
  const submit = h("button", { type: "submit" }, group ? "Add endpoint" : "Create group");
  const title = group ? `Add an endpoint to ${group}` : "Create a URL group";
  const form = h(
    "form",
    { class: "filters", "aria-label": title },
    name && field("Group name", name),
    field(group ? `Endpoint URL for ${group}` : "Endpoint URL", url),
    field(group ? `Endpoint name for ${group} (optional)` : "Endpoint name (optional)", endpointName),
    submit,
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act(submit, async () => {
      const target = group ?? name.value.trim();
      const endpoint = { url: url.value.trim() };
      if (endpointName.value.trim()) endpoint.name = endpointName.value.trim();
      await call("POST", `${path(target)}/endpoints`, { body: { endpoints: [endpoint] } });
      say(`Added ${endpoint.url} to ${target}.`);
      form.reset();
      await load();
    });
  });
  return form;
}

function groupSection(g, load) {
  const rows = g.endpoints.map((ep) => {
    const remove = h("button", { type: "button", class: "danger", "aria-label": `Remove endpoint ${ep.name ?? ep.url} from ${g.name}` }, "Remove");
    remove.addEventListener("click", () =>
      act(remove, async () => {
        const last = g.endpoints.length === 1 ? " It is the last one: the group goes with it." : "";
        if (!(await ask(`Remove ${ep.url} from ${g.name}?${last}`, "Remove"))) return;
        await call("DELETE", `${path(g.name)}/endpoints`, { body: { endpoints: [ep.name ? { name: ep.name } : { url: ep.url }] } });
        say(`Removed ${ep.url} from ${g.name}.`);
        await load();
      }),
    );
    return h("tr", {}, h("td", { class: "mono" }, ep.url), h("td", {}, ep.name ?? ""), h("td", {}, remove));
  });
  const del = h("button", { type: "button", class: "danger", "aria-label": `Delete group ${g.name}` }, "Delete group");
  del.addEventListener("click", () =>
    act(del, async () => {
      if (!(await ask(`Delete URL group ${g.name}? Messages already sent to it are not touched.`, "Delete"))) return;
      await call("DELETE", path(g.name));
      say(`Deleted URL group ${g.name}.`);
      await load();
    }),
  );
  const headingId = `group-${g.name}`;
  return h(
    "section",
    { class: "group", "aria-labelledby": headingId },
    h("h2", { id: headingId }, h("span", { class: "mono" }, g.name)),
    table(`Endpoints of ${g.name}`, ["URL", "Name", "Action"], rows),
    g.headers ? headerTable(g.headers, "Default headers") : null,
    addForm(g.name, load),
    h("div", { class: "actions" }, del),
  );
}

export async function urlGroups(view) {
  view.append(h("h1", {}, "URL groups"));
  const results = h("div");
  const load = async () => {
    const list = await get("/v2/topics");
    list.sort((a, b) => a.name.localeCompare(b.name));
    results.replaceChildren(...list.map((g) => groupSection(g, load)));
    if (list.length === 0) results.append(h("p", {}, "No URL groups yet."));
  };
  view.append(h("h2", { id: "new-group-h" }, "Create a URL group"), addForm(null, load), results);
  await load();
}
