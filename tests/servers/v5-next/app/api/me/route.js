import { meBody } from "../../../../common/testapp.mjs";
import { requireSession } from "../../../auth.mjs";

export const dynamic = "force-dynamic";

export async function GET() {
  const { session, response } = await requireSession();
  if (!session) return response;
  return Response.json(meBody(session));
}
