// `GET /me`: the browser tests' server-rendered page (markup in common/testapp.mjs).
// getServerSideProps reads the session the way a next-auth 4 app does and answers
// the HTML itself, so the page is the same one every test server serves.
import { getServerSession } from "next-auth/next";
import { PAGE_HEADERS, meHtml } from "../../common/testapp.mjs";
import { authOptions } from "../lib/auth-options.mjs";

export async function getServerSideProps({ req, res }) {
  const session = await getServerSession(req, res, authOptions);
  res.writeHead(200, PAGE_HEADERS).end(meHtml(session));
  return { props: {} };
}

export default function Me() {
  return null;
}
