// Verifies each delivery's Upstash-Signature with the official SDK, as a QStash app does, and
// publishes one message to itself at start so that `docker compose up` shows a delivery end to end.
import http from "node:http";
import { Client, Receiver } from "@upstash/qstash";

const port = Number(process.env.PORT ?? 3000);
const receiver = new Receiver({
  currentSigningKey: process.env.QSTASH_CURRENT_SIGNING_KEY,
  nextSigningKey: process.env.QSTASH_NEXT_SIGNING_KEY,
});

http
  .createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString("utf8");
    try {
      await receiver.verify({ signature: req.headers["upstash-signature"] ?? "", body });
    } catch (e) {
      console.log(`rejected ${req.url}: ${e.message}`);
      res.writeHead(401).end();
      return;
    }
    console.log(`verified ${req.url} ${req.headers["upstash-message-id"]}: ${body}`);
    res.writeHead(200).end("ok");
  })
  .listen(port, async () => {
    console.log(`listening on ${port}`);
    if (process.env.SELF_URL) {
      const client = new Client({ baseUrl: process.env.QSTASH_URL, token: process.env.QSTASH_TOKEN });
      const { messageId } = await client.publishJSON({ url: process.env.SELF_URL, body: { hello: "postbox" } });
      console.log(`published ${messageId}`);
    }
  });
