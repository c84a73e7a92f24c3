// `GET /me-js`: the browser tests' page whose own script calls `/api/me`
// (markup and script in common/testapp.mjs).
import { ME_JS_HTML, PAGE_HEADERS } from "../../common/testapp.mjs";

export async function getServerSideProps({ res }) {
  res.writeHead(200, PAGE_HEADERS).end(ME_JS_HTML);
  return { props: {} };
}

export default function MeJs() {
  return null;
}
