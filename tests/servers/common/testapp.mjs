// Behaviour shared by the v4 (next-auth 4) and v5 (@auth/express) test servers.
//
// Only Node built-ins are imported here, so that both the Next.js build of v4/
// and the plain Node server of v5/ can use this one file. Everything that the
// test suites rely on (users, callbacks, adapter, mail files, request counter)
// lives here so the two servers cannot drift apart.

import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync, renameSync } from "node:fs";
import { join } from "node:path";

/** `n` random lowercase hex characters (not repetitive, so JWE output stays large). */
export function randomHex(n) {
  const count = Math.max(0, Math.min(Math.floor(n), 1_000_000));
  return randomBytes(Math.ceil(count / 2)).toString("hex").slice(0, count);
}

/** Padding carried in carol's JWT so that her session cookie is chunked. */
export const CAROL_PADDING_LENGTH = 6000;

// --------------------------------------------------------------------------
// Users
// --------------------------------------------------------------------------

const USERS = {
  alice: {
    password: "alice-password",
    user: {
      id: "1",
      name: "Alice Liddell",
      email: "alice@example.com",
      image: "https://example.com/alice.png",
    },
  },
  bob: {
    password: "bob-password",
    user: { id: "2", name: "Bob", email: "bob@example.com" },
  },
  carol: {
    password: "carol-password",
    user: { id: "3", name: "Carol", email: "carol@example.com" },
  },
};

/** The `authorize` function of the `credentials` provider (same in v4 and v5). */
export async function authorizeCredentials(credentials) {
  const username = credentials?.username;
  if (username === "crash") {
    throw new Error("AuthorizeCrashed");
  }
  if (typeof username !== "string" || !Object.hasOwn(USERS, username)) {
    return null;
  }
  const entry = USERS[username];
  if (credentials?.password !== entry.password) {
    return null;
  }
  return { ...entry.user };
}

/** Field definitions of the credentials provider. */
export const CREDENTIALS_FIELDS = {
  username: { label: "Username", type: "text" },
  password: { label: "Password", type: "password" },
};

// --------------------------------------------------------------------------
// Callbacks
// --------------------------------------------------------------------------

/** `callbacks.jwt` for both versions. */
export async function jwtCallback({ token, user, trigger, session }) {
  if (user) {
    token.uid = user.id;
    if (user.id === "3") {
      token.padding = randomHex(CAROL_PADDING_LENGTH);
    }
  }
  if (trigger === "update" && session && typeof session === "object") {
    if (typeof session.name === "string") {
      token.name = session.name;
    }
    if (session.padding === false) {
      delete token.padding;
    } else if (typeof session.padding === "number" && Number.isFinite(session.padding)) {
      token.padding = randomHex(session.padding);
    }
  }
  return token;
}

/**
 * `callbacks.session` for both versions and both strategies.
 *
 * JWT strategy: the libraries pass `token`. Database strategy: they pass the
 * adapter's `user` instead (and, on `POST session`, `trigger: "update"` with the
 * posted data as `newSession`), so an update of `{name}` is written to the stored
 * user, as an app with a real database would do.
 */
export async function sessionCallback({ session, token, user: dbUser, trigger, newSession }) {
  if (dbUser && !token) {
    if (trigger === "update" && typeof newSession?.name === "string") {
      const stored = store().users.get(dbUser.id);
      if (stored) stored.name = newSession.name;
      dbUser = { ...dbUser, name: newSession.name };
    }
    token = { name: dbUser.name, email: dbUser.email, picture: dbUser.image, uid: dbUser.id };
  }
  const user = { ...(session.user ?? {}) };
  for (const [key, value] of [
    ["name", token?.name],
    ["email", token?.email],
    ["image", token?.picture],
  ]) {
    if (value === undefined || value === null) delete user[key];
    else user[key] = value;
  }
  session.user = user;
  const uid = token?.uid ?? token?.sub;
  session.uid = uid;
  session.role = uid === "1" ? "admin" : "user";
  session.paddingLength = typeof token?.padding === "string" ? token.padding.length : 0;
  return session;
}

// --------------------------------------------------------------------------
// Email ("magic link") delivery into files
// --------------------------------------------------------------------------

/** Writes the magic link to `$AUTHJS_MAIL_DIR/<identifier>.txt` (overwrites). */
export function writeMagicLink(identifier, url) {
  const dir = process.env.AUTHJS_MAIL_DIR;
  if (!dir) {
    throw new Error("AUTHJS_MAIL_DIR is not set");
  }
  mkdirSync(dir, { recursive: true });
  const safe = String(identifier).replace(/[\/\\\0]/g, "_");
  const file = join(dir, `${safe}.txt`);
  // Write then rename, so a reader never sees a half-written link.
  const tmp = `${file}.${process.pid}.${randomHex(8)}.tmp`;
  writeFileSync(tmp, `${url}\n`);
  renameSync(tmp, file);
}

export async function sendVerificationRequest({ identifier, url }) {
  writeMagicLink(identifier, url);
}

// --------------------------------------------------------------------------
// In-memory adapter (users pre-seeded with the credentials users' ids)
// --------------------------------------------------------------------------

function store() {
  if (!globalThis.__authjsTestStore) {
    const users = new Map();
    for (const { user } of Object.values(USERS)) {
      users.set(user.id, { ...user, emailVerified: null });
    }
    globalThis.__authjsTestStore = {
      users,
      accounts: new Map(), // `${provider}:${providerAccountId}` -> account
      sessions: new Map(), // sessionToken -> session
      tokens: new Map(), // `${identifier}:${token}` -> verification token
    };
  }
  return globalThis.__authjsTestStore;
}

const clone = (o) => (o == null ? null : { ...o });

export function createMemoryAdapter() {
  const s = store();
  return {
    async createUser(data) {
      const user = { ...data, id: data.id ?? randomUUID() };
      s.users.set(user.id, user);
      return clone(user);
    },
    async getUser(id) {
      return clone(s.users.get(id));
    },
    async getUserByEmail(email) {
      for (const user of s.users.values()) {
        if (user.email === email) return clone(user);
      }
      return null;
    },
    async getUserByAccount({ provider, providerAccountId }) {
      const account = s.accounts.get(`${provider}:${providerAccountId}`);
      return account ? clone(s.users.get(account.userId)) : null;
    },
    async updateUser(data) {
      const user = { ...(s.users.get(data.id) ?? {}), ...data };
      s.users.set(user.id, user);
      return clone(user);
    },
    async deleteUser(id) {
      const user = s.users.get(id);
      s.users.delete(id);
      return clone(user);
    },
    async linkAccount(account) {
      s.accounts.set(`${account.provider}:${account.providerAccountId}`, { ...account });
      return clone(account);
    },
    async unlinkAccount({ provider, providerAccountId }) {
      s.accounts.delete(`${provider}:${providerAccountId}`);
    },
    async createSession(session) {
      s.sessions.set(session.sessionToken, { ...session });
      return clone(session);
    },
    async getSessionAndUser(sessionToken) {
      const session = s.sessions.get(sessionToken);
      if (!session) return null;
      const user = s.users.get(session.userId);
      if (!user) return null;
      return { session: clone(session), user: clone(user) };
    },
    async updateSession(data) {
      const old = s.sessions.get(data.sessionToken);
      if (!old) return null;
      const session = { ...old, ...data };
      s.sessions.set(session.sessionToken, session);
      return clone(session);
    },
    async deleteSession(sessionToken) {
      const session = s.sessions.get(sessionToken);
      s.sessions.delete(sessionToken);
      return clone(session);
    },
    async createVerificationToken(vt) {
      s.tokens.set(`${vt.identifier}:${vt.token}`, { ...vt });
      return clone(vt);
    },
    async useVerificationToken({ identifier, token }) {
      const key = `${identifier}:${token}`;
      const vt = s.tokens.get(key);
      if (!vt) return null;
      s.tokens.delete(key);
      return clone(vt);
    },
  };
}

// --------------------------------------------------------------------------
// Provider definitions that do not depend on the library version
// --------------------------------------------------------------------------

/** Email provider without nodemailer; accepted by next-auth 4 and @auth/core 0.41. */
export function emailProvider() {
  return {
    id: "email",
    type: "email",
    name: "Email",
    from: "Auth.js test <no-reply@example.com>",
    maxAge: 24 * 60 * 60,
    sendVerificationRequest,
    options: {},
  };
}

export const GITHUB_OPTIONS = {
  clientId: "fake-client-id",
  clientSecret: "fake-secret",
};

// --------------------------------------------------------------------------
// Test-only request counter (per User-Agent, per "METHOD action")
// --------------------------------------------------------------------------

function counters() {
  if (!globalThis.__authjsTestCounters) {
    globalThis.__authjsTestCounters = new Map(); // ua -> Map(route -> n)
  }
  return globalThis.__authjsTestCounters;
}

/** `action` is the path after the auth base path, without leading/trailing slashes. */
export function countAuthRequest(userAgent, method, action) {
  const ua = typeof userAgent === "string" ? userAgent : "";
  const route = `${String(method).toUpperCase()} ${action}`;
  const all = counters();
  let byRoute = all.get(ua);
  if (!byRoute) {
    byRoute = new Map();
    all.set(ua, byRoute);
  }
  byRoute.set(route, (byRoute.get(route) ?? 0) + 1);
}

/** Extracts the action from a raw request path such as `/api/auth/callback/credentials?x=1`. */
export function authActionFromUrl(url, basePath = "/api/auth") {
  let path = String(url ?? "").split("?")[0].split("#")[0];
  if (path.startsWith(basePath)) path = path.slice(basePath.length);
  return path.replace(/^\/+/, "").replace(/\/+$/, "");
}

export function requestCounts(userAgent) {
  const byRoute = counters().get(typeof userAgent === "string" ? userAgent : "") ?? new Map();
  let total = 0;
  const out = {};
  for (const [route, n] of [...byRoute.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    out[route] = n;
    total += n;
  }
  return { total, byRoute: out };
}

// --------------------------------------------------------------------------
// Small helpers for the non-auth routes
// --------------------------------------------------------------------------

export const SLOW_CAP_MS = 5000;

export function parseSlowMs(value) {
  const n = Number.parseInt(Array.isArray(value) ? value[0] : value ?? "0", 10);
  if (!Number.isFinite(n) || n < 0) return 0;
  return Math.min(n, SLOW_CAP_MS);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Body of `GET /api/me` for a session object returned by the library. */
export function meBody(session) {
  return { user: { ...(session.user ?? {}) }, role: session.role, uid: session.uid };
}

// --------------------------------------------------------------------------
// Browser pages (`GET /me`, `GET /me-js`): what the browser tests look at
// --------------------------------------------------------------------------
//
// The markup and the page script live here once; each app only reads the session
// its own way (v4 `getServerSession`, v5 express `getSession`, v5-next `auth()`)
// and sends the string. The browser tests assert on `#user`'s text.

const escapeHtml = (value) =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c],
  );

/**
 * `GET /me`: the signed-in user as the server sees it. `#user` is the email (or
 * `signed out`), `#uid` the uid and `#padding` the JWT padding length, so that a
 * test can tell that carol's three session chunks arrived whole.
 */
export function meHtml(session) {
  const user = session?.user;
  const body = user
    ? `<p id="user">${escapeHtml(user.email ?? "")}</p>` +
      `<p id="uid">${escapeHtml(session.uid ?? "")}</p>` +
      `<p id="padding">${escapeHtml(session.paddingLength ?? 0)}</p>`
    : `<p id="user">signed out</p>`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>me</title></head><body>${body}</body></html>\n`;
}

/**
 * `GET /me-js`: a static page whose own script calls `fetch("/api/me")`, so the
 * cookies are proven to reach the server from the page's JavaScript too, not only
 * on navigation. `#user` reads `loading` until the reply is in.
 */
export const ME_JS_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>me-js</title></head><body>
<p id="user">loading</p>
<script>
(async () => {
  const el = document.getElementById("user");
  try {
    const reply = await fetch("/api/me", { credentials: "same-origin", cache: "no-store" });
    if (reply.status === 401) el.textContent = "signed out";
    else if (reply.ok) el.textContent = (await reply.json()).user.email;
    else el.textContent = "error " + reply.status;
  } catch (err) {
    el.textContent = "error " + err;
  }
})();
</script>
</body></html>
`;

/** Headers of both pages: HTML that no cache may keep (it shows who is signed in). */
export const PAGE_HEADERS = { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" };

// --------------------------------------------------------------------------
// Configuration variants read from the environment at run time, so that one
// build (the Next.js apps) can be started several times with different setups.
// --------------------------------------------------------------------------

/** `AUTHJS_TEST_SESSION_STRATEGY`: "jwt" (default) or "database" (the in-memory adapter). */
export function sessionStrategy() {
  const value = process.env.AUTHJS_TEST_SESSION_STRATEGY || "jwt";
  if (value !== "jwt" && value !== "database") {
    throw new Error(`AUTHJS_TEST_SESSION_STRATEGY must be "jwt" or "database", not ${value}`);
  }
  return value;
}

/**
 * `session` options: the strategy, and `maxAge` from `AUTHJS_TEST_SESSION_MAX_AGE`
 * (seconds; unset: the library's 30 days), for the lifecycle tests' short sessions.
 */
export function sessionOptions() {
  const options = { strategy: sessionStrategy() };
  const raw = process.env.AUTHJS_TEST_SESSION_MAX_AGE;
  if (raw) {
    const maxAge = Number.parseInt(raw, 10);
    if (!(maxAge > 0) || String(maxAge) !== raw) {
      throw new Error(`AUTHJS_TEST_SESSION_MAX_AGE must be a number of seconds, not ${raw}`);
    }
    options.maxAge = maxAge;
  }
  return options;
}

/**
 * `pages` from `AUTHJS_TEST_PAGES_SIGNIN` / `AUTHJS_TEST_PAGES_ERROR` (unset: the
 * library's own pages). The values are used verbatim, query and fragment included.
 */
export function customPages() {
  const pages = {};
  if (process.env.AUTHJS_TEST_PAGES_SIGNIN) pages.signIn = process.env.AUTHJS_TEST_PAGES_SIGNIN;
  if (process.env.AUTHJS_TEST_PAGES_ERROR) pages.error = process.env.AUTHJS_TEST_PAGES_ERROR;
  return pages;
}

/** `AUTHJS_TEST_BASE_PATH` (default `/api/auth`): where the auth routes are mounted. */
export function authBasePath() {
  const value = process.env.AUTHJS_TEST_BASE_PATH || "/api/auth";
  if (!/^\/[A-Za-z0-9/_-]*[A-Za-z0-9_-]$/.test(value)) {
    throw new Error(`AUTHJS_TEST_BASE_PATH must be a path such as /auth, not ${value}`);
  }
  return value;
}

/** A tiny HTML page for the custom `pages` routes (the client never follows them). */
export const LOGIN_PAGE_HTML =
  "<!doctype html><title>login</title><p>custom sign-in page of the authjs test server</p>\n";

// --------------------------------------------------------------------------
// The OpenID provider of the tests (oidc/server.mjs): two providers on every
// server, `oidc` (the code in the callback URL's query) and `oidc-form`
// (`response_mode=form_post`: the code arrives as a POST form, as Apple sends it).
// --------------------------------------------------------------------------

/** The client registered at the test OpenID provider for every test server. */
export const OIDC_CLIENT = {
  clientId: "authjs-test",
  clientSecret: "authjs-test-oidc-secret-0123456789",
};

/** Every check both versions know, so a tampered state, verifier or nonce is refused. */
export const OIDC_CHECKS = ["pkce", "state", "nonce"];

export const OIDC_PROVIDERS = [
  { id: "oidc", name: "Test OIDC", params: {} },
  { id: "oidc-form", name: "Test OIDC (form_post)", params: { response_mode: "form_post" } },
];

/**
 * `AUTHJS_TEST_OIDC_ISSUER` (set by the launcher), or null: then the servers offer no
 * OIDC provider (a `next build` evaluates the configuration without it). Neither
 * version fetches the discovery document before the first OAuth request, so the
 * servers start in parallel with the provider.
 */
export function oidcIssuer() {
  return process.env.AUTHJS_TEST_OIDC_ISSUER || null;
}

/**
 * The two test OIDC providers as a version configures them: what both versions share
 * (ids, client, every check, the scopes, `response_mode`) here, and what differs
 * (`type`, discovery, profile) from `versionFields(issuer)`. Empty without an issuer.
 */
export function oidcProviders(versionFields) {
  const issuer = oidcIssuer();
  if (!issuer) return [];
  return OIDC_PROVIDERS.map(({ id, name, params }) => ({
    id,
    name,
    issuer,
    ...OIDC_CLIENT,
    checks: OIDC_CHECKS,
    // One person, two providers (`oidc`, `oidc-form`) of one test issuer: the same user.
    allowDangerousEmailAccountLinking: true,
    authorization: { params: { scope: "openid email profile", ...params } },
    ...versionFields(issuer),
  }));
}
