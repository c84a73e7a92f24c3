// https for the next-auth 5 App Router app: `next start` has no TLS, so this is
// the custom server Next.js documents (`next()` + its request handler) on
// `https.createServer`. It serves the same `.next` build as `next start`.
//
// Env: PORT, TLS_CERT, TLS_KEY (PEM paths), plus what auth.mjs reads.

import { readFileSync } from "node:fs";
import https from "node:https";
import path from "node:path";
import { fileURLToPath } from "node:url";

import next from "next";

const port = Number.parseInt(process.env.PORT ?? "", 10);
if (!Number.isInteger(port) || port <= 0 || !process.env.TLS_CERT || !process.env.TLS_KEY) {
  console.error("PORT, TLS_CERT and TLS_KEY must be set");
  process.exit(2);
}

const dir = path.dirname(fileURLToPath(import.meta.url));
const app = next({ dev: false, dir, hostname: "127.0.0.1", port });
const handle = app.getRequestHandler();
await app.prepare();

const server = https.createServer(
  { cert: readFileSync(process.env.TLS_CERT), key: readFileSync(process.env.TLS_KEY) },
  (req, res) => handle(req, res),
);
server.listen(port, "127.0.0.1", () => {
  console.log(`next-auth 5 test server listening on https://127.0.0.1:${port}`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections?.();
    process.exit(0);
  });
}
