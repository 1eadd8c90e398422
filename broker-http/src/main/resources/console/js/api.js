// Calls to the broker. The token lives in sessionStorage (gone with the tab) and travels only in
// the Authorization header: never in a URL, never in a cookie.
const KEY = "postbox.console.token";

export const session = {
  token: () => sessionStorage.getItem(KEY),
  signIn: (token) => sessionStorage.setItem(KEY, token),
  signOut: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** A URL of this server: path and query parameters (arrays repeat the key; empty values are left out). */
export function url(path, query) {
  const u = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query ?? {})) {
    for (const one of Array.isArray(v) ? v : [v]) {
      if (one !== undefined && one !== null && one !== "") u.searchParams.append(k, one);
    }
  }
  return u;
}

/**
 * Calls the server; answers the parsed JSON (or the text). Non-2xx answers throw an ApiError with
 * the server's message; a 401 signs out.
 */
export async function call(method, path, { query, body, headers, raw } = {}) {
  const h = new Headers(headers ?? {});
  const token = session.token();
  if (token) h.set("Authorization", `Bearer ${token}`);
  if (body !== undefined && typeof body !== "string") {
    h.set("Content-Type", "application/json");
    body = JSON.stringify(body);
  }
  const target = raw ? new URL(path, location.origin) : url(path, query);
  const res = await fetch(target, { method, headers: h, body, credentials: "omit", cache: "no-store" });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    if (res.status === 401) window.dispatchEvent(new Event("postbox:unauthorized"));
    throw new ApiError(res.status, `${res.status}: ${json?.error ?? text ?? res.statusText}`);
  }
  return json === undefined ? text : json;
}

export const get = (path, query) => call("GET", path, { query });
