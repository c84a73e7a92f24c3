import { parseSlowMs, sleep } from "../../../../common/testapp.mjs";

export const dynamic = "force-dynamic";

export async function GET(req) {
  const ms = parseSlowMs(new URL(req.url).searchParams.get("ms") ?? "0");
  await sleep(ms);
  return Response.json({ slept: ms });
}
