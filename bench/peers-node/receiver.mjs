// The receiver both sides deliver to: answers every POST 200 at once and counts it.
// GET /__stats -> {count, first, last} (wall-clock ms of the first and latest arrival);
// POST /__reset zeroes them. Prints its port on stdout.
import http from "node:http";

let count = 0;
let first = 0;
let last = 0;

const server = http.createServer((req, res) => {
  if (req.url === "/__stats") {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ count, first, last }));
    return;
  }
  req.on("data", () => {});
  req.on("end", () => {
    if (req.url === "/__reset") {
      count = first = last = 0;
    } else {
      last = Date.now();
      if (count++ === 0) first = last;
    }
    res.end("ok");
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  console.log(server.address().port);
});
