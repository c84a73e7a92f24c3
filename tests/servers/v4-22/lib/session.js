import { getServerSession } from "next-auth/next";
import { authOptions } from "./auth-options.js";

/** The session of the request, or null after answering 401. */
export async function requireSession(req, res) {
  const session = await getServerSession(req, res, authOptions);
  if (!session || !session.user) {
    res.status(401).json({ error: "unauthenticated" });
    return null;
  }
  return session;
}
