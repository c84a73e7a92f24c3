import { requestCounts } from "../../../../common/testapp.mjs";

export default function requests(req, res) {
  const ua = Array.isArray(req.query.ua) ? req.query.ua[0] : req.query.ua ?? "";
  res.setHeader("Cache-Control", "no-store");
  res.status(200).json(requestCounts(ua));
}
