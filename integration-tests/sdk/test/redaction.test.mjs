import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { client, startReceiver, waitFor, uid } from "./helpers.mjs";

const sha = (s) => "REDACTED:" + createHash("sha256").update(s).digest("hex");

test("redacted body and headers are hidden in the API but delivered intact", async () => {
  const dest = await startReceiver();
  try {
    const secret = "secret-" + uid();
    const { messageId } = await client.publish({
      url: dest.url("/redact"),
      body: secret,
      delay: 1,
      headers: { Authorization: "Bearer " + secret, "X-Plain": "visible" },
      redact: { body: true, header: ["Authorization"] },
    });
    const m = await client.messages.get(messageId);
    assert.equal(m.body, sha(secret));
    assert.deepEqual(m.header["Authorization"], [sha("Bearer " + secret)]);
    assert.deepEqual(m.header["X-Plain"], ["visible"]);
    const [rec] = await waitFor(() => dest.requests.length === 1 && dest.requests, { what: "delivery" });
    assert.equal(rec.body.toString(), secret);
    assert.equal(rec.headers["authorization"], "Bearer " + secret);
    const logs = await client.logs({ filter: { messageId } });
    assert.ok(logs.logs.length > 0);
    assert.ok(!JSON.stringify(logs).includes(secret), "logs must not contain redacted values");
  } finally {
    await dest.close();
  }
});
