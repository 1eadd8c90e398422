import { test } from "node:test";
import assert from "node:assert/strict";
import { client, startReceiver, waitFor, uid } from "./helpers.mjs";

test("logs filter by label, url and state, and page with a cursor", async () => {
  const dest = await startReceiver();
  try {
    const label = "logs-" + uid();
    const url = dest.url("/logs-" + uid());
    const ids = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await client.publish({ url, body: "x", label })).messageId);
    }
    await waitFor(
      async () => (await client.logs({ filter: { label, state: "DELIVERED" } })).logs.length === 3,
      { what: "three DELIVERED logs" },
    );
    const byUrl = await client.logs({ filter: { url } });
    assert.equal(byUrl.logs.length, 9);
    assert.ok(byUrl.logs.every((l) => l.url === url));
    assert.equal(byUrl.cursor, undefined);
    const first = byUrl.logs[0];
    assert.equal(typeof first.time, "number");
    assert.ok(ids.includes(first.messageId));

    const seen = [];
    let cursor;
    let pages = 0;
    do {
      const page = await client.logs({ filter: { label }, count: 4, cursor });
      seen.push(...page.logs);
      cursor = page.cursor;
      pages++;
    } while (cursor && pages < 10);
    assert.equal(pages, 3);
    assert.equal(seen.length, 9);
    assert.equal(new Set(seen.map((l) => `${l.messageId}/${l.state}`)).size, 9);

    const byIds = await client.logs({ messageIds: [ids[0]] });
    assert.deepEqual(byIds.logs.map((l) => l.state).sort(), ["ACTIVE", "CREATED", "DELIVERED"]);
  } finally {
    await dest.close();
  }
});
