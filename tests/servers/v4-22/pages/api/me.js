import { meBody } from "../../../common/testapp.mjs";
import { requireSession } from "../../lib/session.js";

export default async function me(req, res) {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("Allow", "GET, HEAD");
    return res.status(405).json({ error: "method not allowed" });
  }
  const session = await requireSession(req, res);
  if (!session) return;
  res.status(200).json(meBody(session));
}
