// Signing keys: the current and next key, and rotation after a confirmation.
import { call, get } from "./api.js";
import { h, props, say, ask, act } from "./dom.js";

export async function signingKeys(view) {
  view.append(h("h1", {}, "Signing keys"));
  const shown = h("div");
  const render = (k) =>
    shown.replaceChildren(
      props([
        ["Current", h("span", { class: "mono", id: "key-current" }, k.current)],
        ["Next", h("span", { class: "mono", id: "key-next" }, k.next)],
      ]),
    );
  const rotate = h("button", { type: "button", class: "danger" }, "Rotate keys");
  rotate.addEventListener("click", () =>
    act(rotate, async () => {
      const question = "Rotate the signing keys? The next key becomes current and a new next key is made: receivers must know the new next key before the following rotation.";
      if (!(await ask(question, "Rotate"))) return;
      render(await call("POST", "/v2/keys/rotate"));
      say("Rotated the signing keys.");
    }),
  );
  view.append(
    h("p", {}, "Deliveries are signed with the current key; receivers check the current key, then the next one, so keys change without downtime. The dev users' keys never change."),
    shown,
    h("div", { class: "actions" }, rotate),
  );
  render(await get("/v2/keys"));
}
