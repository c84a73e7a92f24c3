import { parseSlowMs, sleep } from "../../../common/testapp.mjs";

export default async function slow(req, res) {
  const ms = parseSlowMs(req.query.ms);
  await sleep(ms);
  res.status(200).json({ slept: ms });
}
