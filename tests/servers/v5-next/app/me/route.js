// `GET /me`: the browser tests' server-rendered page (markup in common/testapp.mjs),
// reading the session with next-auth 5's `auth()`. A route handler rather than a
// page, so every test server answers the same HTML.
import { PAGE_HEADERS, meHtml } from "../../../common/testapp.mjs";
import { auth } from "../../auth.mjs";

export const dynamic = "force-dynamic";

export async function GET() {
  return new Response(meHtml(await auth()), { headers: PAGE_HEADERS });
}
