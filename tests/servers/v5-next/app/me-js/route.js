// `GET /me-js`: the browser tests' page whose own script calls `/api/me`
// (markup and script in common/testapp.mjs).
import { ME_JS_HTML, PAGE_HEADERS } from "../../../common/testapp.mjs";

export const dynamic = "force-dynamic";

export function GET() {
  return new Response(ME_JS_HTML, { headers: PAGE_HEADERS });
}
