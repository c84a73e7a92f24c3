// The next-auth/react row of the benchmark (docs/benchmarks.md).
//
//   NODE_PATH=tests/servers/v4/node_modules node bench/node/nextauth-react.cjs URL N WARMUP BLOCK
//
// Uses next-auth/react exactly as shipped (next-auth 4.24.15, the test server's copy)
// server-side: getSession/getCsrfToken with the cookie passed in `req.headers`, and
// getProviders, against the real next-auth v4 server at URL. Prints one JSON object:
// per-call wall times (ns) and the process CPU (process.cpuUsage) of each call, and
// the number of requests signIn / signOut made, read from the server's counter.
"use strict";

const [url, nArg, warmupArg, blockArg] = process.argv.slice(2);
if (!url) {
  console.error("usage: nextauth-react.cjs URL [N] [WARMUP] [BLOCK]");
  process.exit(2);
}
const N = Number(nArg ?? 1000);
const WARMUP = Number(warmupArg ?? 100);
const BLOCK = Number(blockArg ?? 100);

// next-auth/react reads its base URL from the environment when it is loaded.
process.env.NEXTAUTH_URL = url;
const react = require("next-auth/react");
const nextAuthVersion = JSON.parse(
  require("fs").readFileSync(
    require("path").join(require.resolve("next-auth/react").split("/react/")[0], "package.json"),
    "utf8",
  ),
).version;

const realFetch = globalThis.fetch;

// For counting only: a browser-like fetch that keeps cookies (as the browser's jar
// would) and sends a user agent of its own, so the server's counter can tell this
// client's requests apart. The timed calls below use the real fetch.
function browserLikeFetch(ua) {
  const jar = new Map();
  return async (input, init = {}) => {
    const headers = new Headers(init.headers ?? {});
    headers.set("user-agent", ua);
    if (jar.size && !headers.has("cookie")) {
      headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
    }
    const res = await realFetch(input, { ...init, headers });
    for (const sc of res.headers.getSetCookie()) {
      const [pair, ...attrs] = sc.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "";
      if (expired) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  };
}

async function counted(ua) {
  const res = await realFetch(`${url}/api/test/requests?ua=${encodeURIComponent(ua)}`);
  return (await res.json()).total;
}

async function countRequests() {
  const ua = `nextauth-react-bench/${process.pid}-${Date.now()}`;
  globalThis.fetch = browserLikeFetch(ua);
  const counts = [];
  let last = 0;
  const delta = async (op) => {
    const now = await counted(ua);
    counts.push({ op, requests: now - last });
    last = now;
  };
  try {
    const creds = { redirect: false, callbackUrl: url, username: "alice", password: "alice-password" };
    let r = await react.signIn("credentials", creds);
    if (!r || !r.ok) throw new Error(`signIn failed: ${JSON.stringify(r)}`);
    await delta("cold sign-in");
    r = await react.signIn("credentials", creds);
    if (!r || !r.ok) throw new Error(`signIn failed: ${JSON.stringify(r)}`);
    await delta("warm sign-in");
    await react.getSession();
    await delta("get_session");
    await react.getCsrfToken();
    await delta("get_csrf_token");
    await react.getProviders();
    await delta("get_providers");
    await react.signOut({ redirect: false, callbackUrl: url });
    await delta("sign-out");
  } finally {
    globalThis.fetch = realFetch;
  }
  return counts;
}

// A signed-in Cookie header, obtained by hand (csrf -> callback).
async function signedInCookie() {
  const jar = new Map();
  const keep = (res) => {
    for (const sc of res.headers.getSetCookie()) {
      const pair = sc.split(";")[0];
      const eq = pair.indexOf("=");
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  };
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  let res = await realFetch(`${url}/api/auth/csrf`);
  keep(res);
  const { csrfToken } = await res.json();
  res = await realFetch(`${url}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: header() },
    body: new URLSearchParams({ csrfToken, username: "alice", password: "alice-password", json: "true", callbackUrl: url }),
    redirect: "manual",
  });
  keep(res);
  await res.text();
  return header();
}

async function main() {
  const counts = await countRequests();
  const cookie = await signedInCookie();
  const req = { headers: { cookie } };
  const s = await react.getSession({ req });
  if (!s || !s.user || s.user.email !== "alice@example.com") throw new Error("not signed in");

  const ops = [
    ["get_session", async () => { if (!(await react.getSession({ req }))) throw new Error("no session"); }],
    ["get_csrf_token", async () => { if (!(await react.getCsrfToken({ req }))) throw new Error("no token"); }],
    ["get_providers", async () => { if (!(await react.getProviders())?.credentials) throw new Error("no providers"); }],
  ];
  for (const [, f] of ops) for (let i = 0; i < WARMUP; i++) await f();
  const series = ops.map(() => ({ ns: [], cpu_ns: 0 }));
  const rounds = Math.ceil(N / BLOCK);
  for (let r = 0; r < rounds; r++) {
    const size = Math.min(BLOCK, N - r * BLOCK);
    for (let k = 0; k < ops.length; k++) {
      const i = (k + r) % ops.length;
      const f = ops[i][1];
      const s = series[i];
      const cpu0 = process.cpuUsage();
      for (let j = 0; j < size; j++) {
        const t = process.hrtime.bigint();
        await f();
        s.ns.push(Number(process.hrtime.bigint() - t));
      }
      const cpu = process.cpuUsage(cpu0);
      s.cpu_ns += (cpu.user + cpu.system) * 1000;
    }
  }
  const out = { next_auth: nextAuthVersion, node: process.version, counts };
  ops.forEach(([name], i) => { out[name] = { ...series[i], calls: series[i].ns.length }; });
  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
