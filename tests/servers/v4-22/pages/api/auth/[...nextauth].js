import NextAuth from "next-auth";
import { authOptions } from "../../../lib/auth-options.js";
import { authActionFromUrl, countAuthRequest } from "../../../../common/testapp.mjs";

export default async function auth(req, res) {
  countAuthRequest(req.headers["user-agent"], req.method, authActionFromUrl(req.url));
  return await NextAuth(req, res, authOptions);
}
