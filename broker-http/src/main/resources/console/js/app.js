// The console's shell: sign-in, the navigation and the hash router (#/page/arg...).
import { call, session } from "./api.js";
import { h, field, say } from "./dom.js";
import { overview } from "./overview.js";
import { messages, message } from "./messages.js";
import { logs } from "./logs.js";
import { dlqList, dlqEntry } from "./dlq.js";
import { runs, run } from "./workflows.js";
import { publish } from "./publish.js";
import { schedules, schedule } from "./schedules.js";
import { queues } from "./queues.js";
import { urlGroups } from "./urlgroups.js";
import { flowKeys, flowKey } from "./flowcontrol.js";
import { signingKeys } from "./keys.js";

const pages = {
  overview: () => overview,
  messages: (arg) => (arg ? message : messages),
  logs: () => logs,
  dlq: (arg) => (arg ? dlqEntry : dlqList),
  workflows: (arg) => (arg ? run : runs),
  publish: () => publish,
  schedules: (arg) => (arg ? schedule : schedules),
  queues: () => queues,
  "url-groups": () => urlGroups,
  "flow-control": (arg) => (arg ? flowKey : flowKeys),
  keys: () => signingKeys,
};

const main = document.getElementById("main");
let current; // the AbortController of the page on screen: stops its polling when it goes

async function route() {
  current?.abort();
  current = new AbortController();
  const signal = current.signal;
  if (!session.token()) {
    showSignedOut();
    return signIn(signal);
  }
  const [name, ...rest] = location.hash.replace(/^#\/?/, "").split("/");
  const page = pages[name];
  if (!page) {
    location.replace("#/overview");
    return;
  }
  const arg = rest.length ? decodeURIComponent(rest.join("/")) : undefined;
  for (const a of document.querySelectorAll("#nav a")) {
    if (a.getAttribute("href") === `#/${name}`) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  const view = h("div");
  main.replaceChildren(view);
  try {
    await page(arg)(view, arg, signal);
  } catch (e) {
    if (!signal.aborted) view.append(h("p", { class: "status error", role: "alert" }, e.message));
  }
}

/** The page without a token: the sign-in form, and the dev users in dev mode. */
async function signIn(signal) {
  const token = h("input", { type: "password", name: "token", autocomplete: "off", required: true, spellcheck: "false" });
  const form = h(
    "form",
    { class: "stack", method: "post", action: "#", "aria-labelledby": "signin-h" },
    field("API token (QSTASH_TOKEN)", token),
    h("div", {}, h("button", { type: "submit" }, "Sign in")),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    useToken(token.value.trim());
  });
  const box = h(
    "section",
    { class: "signin" },
    h("h1", { id: "signin-h" }, "Sign in"),
    h("p", {}, "The token is kept in this tab only (sessionStorage) and sent as an Authorization header."),
    form,
  );
  main.replaceChildren(box);
  token.focus();
  try {
    const dev = await call("GET", "/console/api/dev-users");
    if (signal.aborted || !dev.devMode) return;
    box.append(
      h("h2", { id: "dev-h" }, "Dev users"),
      h("p", { class: "muted" }, "This server runs in dev mode: its users are the dev server's public ones."),
      h(
        "div",
        { class: "devusers", role: "group", "aria-labelledby": "dev-h" },
        dev.users.map((u) => h("button", { type: "button", class: "secondary", onclick: () => useToken(u.token) }, `Sign in as ${u.tenant}`)),
      ),
    );
  } catch (e) {
    say(e.message, "error");
  }
}

async function useToken(token) {
  if (!token) return;
  session.signIn(token);
  try {
    await whoami();
    say("");
    if (!location.hash || location.hash === "#" || location.hash === "#/") location.replace("#/overview");
    else route();
  } catch (e) {
    session.signOut();
    showSignedOut();
    say(e.status === 401 ? "That token is not known to this server." : e.message, "error");
  }
}

async function whoami() {
  const me = await call("GET", "/console/api/whoami");
  document.getElementById("tenant").textContent = me.tenant;
  document.getElementById("devmode").textContent = me.devMode ? " (dev mode)" : "";
  document.getElementById("who").hidden = false;
  document.getElementById("nav").hidden = false;
  return me;
}

function showSignedOut() {
  document.getElementById("who").hidden = true;
  document.getElementById("nav").hidden = true;
  document.getElementById("tenant").textContent = "";
}

document.getElementById("signout").addEventListener("click", () => {
  session.signOut();
  say("Signed out.");
  route();
});
window.addEventListener("postbox:unauthorized", () => {
  session.signOut();
  say("The server did not accept the token: sign in again.", "error");
  route();
});
window.addEventListener("hashchange", () => {
  say("");
  route().then(() => main.focus({ preventScroll: true }));
});

if (session.token()) {
  whoami().then(route, () => route());
} else {
  route();
}
