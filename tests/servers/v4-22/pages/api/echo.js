import { requireSession } from "../../lib/session.js";

// The body is echoed as received, so Next must not parse it.
export const config = { api: { bodyParser: false } };

async function readText(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

export default async function echo(req, res) {
  const body = await readText(req);
  const session = await requireSession(req, res);
  if (!session) return;
  res.status(200).json({
    method: req.method,
    contentType: req.headers["content-type"] ?? null,
    body,
  });
}
