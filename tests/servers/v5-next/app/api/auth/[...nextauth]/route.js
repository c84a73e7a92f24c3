import { handlers } from "../../../../auth.mjs";
import { authActionFromUrl, countAuthRequest } from "../../../../../common/testapp.mjs";

export const dynamic = "force-dynamic";

// Counted before next-auth sees the request (test-only request counter).
function counted(handler) {
  return async (req) => {
    countAuthRequest(req.headers.get("user-agent"), req.method, authActionFromUrl(new URL(req.url).pathname));
    return await handler(req);
  };
}

// Only GET and POST, as next-auth documents: Next.js answers other methods 405.
export const GET = counted(handlers.GET);
export const POST = counted(handlers.POST);
