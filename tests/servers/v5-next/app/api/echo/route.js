import { requireSession } from "../../../auth.mjs";

export const dynamic = "force-dynamic";

async function echo(req) {
  const body = await req.text();
  const { session, response } = await requireSession();
  if (!session) return response;
  return Response.json({ method: req.method, contentType: req.headers.get("content-type"), body });
}

export { echo as GET, echo as POST, echo as PUT, echo as PATCH, echo as DELETE };
