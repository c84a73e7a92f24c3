import { requestCounts } from "../../../../../common/testapp.mjs";

export const dynamic = "force-dynamic";

export function GET(req) {
  const ua = new URL(req.url).searchParams.get("ua") ?? "";
  return Response.json(requestCounts(ua), { headers: { "Cache-Control": "no-store" } });
}
