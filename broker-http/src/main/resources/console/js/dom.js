// DOM helpers. Data is only ever put into the page as text (text nodes, textContent, attribute
// values): no innerHTML anywhere in the console.

/** An element: attributes (on* keys are listeners) and children (nodes or text). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

let fieldIds = 0;

/** A labelled control: {label, control} where control gets a fresh id the label points at. */
export function field(label, control) {
  const id = control.id || `f${++fieldIds}`;
  control.id = id;
  return h("div", { class: "field" }, h("label", { for: id }, label), control);
}

/** A link inside the console; `parts` are path segments, encoded. */
export function link(text, ...parts) {
  return h("a", { href: "#/" + parts.map(encodeURIComponent).join("/") }, text);
}

/** Unix milliseconds as a local date and time, or "" for none. */
export function time(ms) {
  if (!ms) return "";
  const d = new Date(Number(ms));
  return isNaN(d) ? String(ms) : d.toLocaleString(undefined, { hour12: false }) + "." + String(d.getMilliseconds()).padStart(3, "0");
}

/** Base64 (as log entries carry bodies) as UTF-8 text, or the base64 itself when not text. */
export function fromBase64(b64) {
  if (!b64) return "";
  try {
    const bin = atob(b64);
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return `(binary, base64) ${b64}`;
  }
}

export function badge(state) {
  return h("span", { class: `badge st-${state}` }, state);
}

/** A definition list of [term, value] pairs; empty values are left out. */
export function props(pairs) {
  const dl = h("dl", { class: "props" });
  for (const [k, v] of pairs) {
    if (v === undefined || v === null || v === "") continue;
    dl.append(h("dt", {}, k), h("dd", {}, v));
  }
  return dl;
}

/** A header map ({name: [values]}) as a table. */
export function headerTable(headers, caption) {
  const rows = Object.entries(headers ?? {}).flatMap(([k, vs]) =>
    (Array.isArray(vs) ? vs : [vs]).map((v) => h("tr", {}, h("td", { class: "mono" }, k), h("td", { class: "mono" }, v))),
  );
  if (rows.length === 0) return h("p", { class: "muted" }, `${caption}: none`);
  return h(
    "table",
    {},
    h("caption", { class: "muted" }, caption),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Header"), h("th", { scope: "col" }, "Value"))),
    h("tbody", {}, rows),
  );
}

/** A table with column headings and rows of cells. */
export function table(caption, columns, rows) {
  return h(
    "table",
    {},
    h("caption", { class: "muted" }, caption),
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows),
  );
}

/** Shows a short message in the live region (read out by screen readers). */
export function say(message, kind = "ok") {
  const s = document.getElementById("status");
  s.className = `status ${kind}`;
  s.textContent = message;
}

/** Asks in a modal <dialog> (never window.confirm); resolves true on "confirm". */
export function ask(question, confirmLabel) {
  return new Promise((resolve) => {
    const dialog = h(
      "dialog",
      { "aria-labelledby": "ask-q" },
      h("p", { id: "ask-q" }, question),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "danger", onclick: () => close(true) }, confirmLabel),
        h("button", { type: "button", class: "secondary", onclick: () => close(false) }, "Keep"),
      ),
    );
    function close(answer) {
      dialog.close();
      dialog.remove();
      resolve(answer);
    }
    dialog.addEventListener("cancel", () => close(false));
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** Runs an action from a button: disables it meanwhile and reports failures in the live region. */
export async function act(button, fn) {
  button.disabled = true;
  try {
    return await fn();
  } catch (e) {
    say(e.message, "error");
    return undefined;
  } finally {
    button.disabled = false;
  }
}
