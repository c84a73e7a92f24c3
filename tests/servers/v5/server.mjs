// @auth/express (Auth.js v5 core) test server for the authjs native client.
//
// Env: PORT (required), AUTH_SECRET (required), AUTHJS_MAIL_DIR (required for
// email sign-in), TLS_CERT + TLS_KEY (optional PEM paths: serve https instead),
// AUTHJS_TEST_BASE_PATH (default /api/auth; the app's own routes stay at /api/...),
// AUTHJS_TEST_SESSION_STRATEGY, AUTHJS_TEST_PAGES_SIGNIN / _ERROR (see testapp.mjs).
// Listens on 127.0.0.1 only.

import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";

import express from "express";
import { ExpressAuth, getSession } from "@auth/express";
import Credentials from "@auth/express/providers/credentials";
import GitHub from "@auth/express/providers/github";

import {
  CREDENTIALS_FIELDS,
  GITHUB_OPTIONS,
  LOGIN_PAGE_HTML,
  ME_JS_HTML,
  PAGE_HEADERS,
  authActionFromUrl,
  authBasePath,
  authorizeCredentials,
  countAuthRequest,
  createMemoryAdapter,
  customPages,
  emailProvider,
  jwtCallback,
  meBody,
  meHtml,
  parseSlowMs,
  requestCounts,
  sessionCallback,
  sessionOptions,
  sleep,
  oidcProviders,
} from "../common/testapp.mjs";

const BASE_PATH = authBasePath();

/**
 * The test OpenID provider as @auth/core configures an OIDC provider: discovery from
 * `issuer` (at the first OAuth request, not at load), the profile from the ID token,
 * and every check @auth/core knows (its default for OIDC is PKCE alone).
 */
const v5OidcFields = () => ({ type: "oidc" });

/** @type {import("@auth/express").ExpressAuthConfig} */
const authConfig = {
  basePath: BASE_PATH,
  trustHost: true,
  secret: process.env.AUTH_SECRET,
  adapter: createMemoryAdapter(),
  session: sessionOptions(),
  pages: customPages(),
  providers: [
    Credentials({
      id: "credentials",
      name: "Credentials",
      credentials: CREDENTIALS_FIELDS,
      authorize: (credentials) => authorizeCredentials(credentials),
    }),
    emailProvider(),
    GitHub(GITHUB_OPTIONS),
    ...oidcProviders(v5OidcFields),
  ],
  callbacks: {
    jwt: jwtCallback,
    session: sessionCallback,
  },
};

const app = express();
app.disable("x-powered-by");

// Test-only request counter, before the auth mount.
app.use(BASE_PATH, (req, _res, next) => {
  countAuthRequest(req.get("user-agent"), req.method, authActionFromUrl(req.url, ""));
  next();
});
app.use(BASE_PATH, ExpressAuth(authConfig));

async function requireSession(req, res) {
  const session = await getSession(req, authConfig);
  if (!session || !session.user) {
    res.status(401).json({ error: "unauthenticated" });
    return null;
  }
  return session;
}

// Target of the custom `pages` variants (the client reads these URLs, never follows them).
app.get("/login", (_req, res) => {
  res.type("html").send(LOGIN_PAGE_HTML);
});

// The browser tests' pages (common/testapp.mjs).
app.get("/me", async (req, res, next) => {
  try {
    res.set(PAGE_HEADERS).send(meHtml(await getSession(req, authConfig)));
  } catch (err) {
    next(err);
  }
});
app.get("/me-js", (_req, res) => {
  res.set(PAGE_HEADERS).send(ME_JS_HTML);
});

app.get("/api/health", (_req, res) => {
  res.status(200).json({ ok: true });
});

app.get("/api/me", async (req, res, next) => {
  try {
    const session = await requireSession(req, res);
    if (!session) return;
    res.status(200).json(meBody(session));
  } catch (err) {
    next(err);
  }
});

app.all(
  "/api/echo",
  express.text({ type: () => true, limit: "10mb", defaultCharset: "utf-8" }),
  async (req, res, next) => {
    try {
      const session = await requireSession(req, res);
      if (!session) return;
      res.status(200).json({
        method: req.method,
        contentType: req.get("content-type") ?? null,
        body: typeof req.body === "string" ? req.body : "",
      });
    } catch (err) {
      next(err);
    }
  },
);

app.get("/api/slow", async (req, res) => {
  const ms = parseSlowMs(req.query.ms);
  await sleep(ms);
  res.status(200).json({ slept: ms });
});

app.get("/api/test/requests", (req, res) => {
  const ua = Array.isArray(req.query.ua) ? req.query.ua[0] : (req.query.ua ?? "");
  res.set("Cache-Control", "no-store");
  res.status(200).json(requestCounts(String(ua)));
});

const port = Number.parseInt(process.env.PORT ?? "", 10);
if (!Number.isInteger(port) || port <= 0) {
  console.error("PORT must be set to a TCP port number");
  process.exit(2);
}

let server;
if (process.env.TLS_CERT && process.env.TLS_KEY) {
  server = https.createServer(
    { cert: readFileSync(process.env.TLS_CERT), key: readFileSync(process.env.TLS_KEY) },
    app,
  );
} else {
  server = http.createServer(app);
}

server.listen(port, "127.0.0.1", () => {
  const scheme = server instanceof https.Server ? "https" : "http";
  console.log(`@auth/express test server listening on ${scheme}://127.0.0.1:${port}`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections?.();
    process.exit(0);
  });
}
