// OpenID provider of the authjs test suites: oidc-provider (panva's certified
// implementation) on loopback, with login and consent pages a program can drive over
// plain HTTP, the part a web view plays in a native app.
//
// Env:
//   PORT (required)                  listens on 127.0.0.1:PORT; the issuer is http://127.0.0.1:PORT
//   AUTHJS_OIDC_CALLBACK_BASES       space-separated auth base URLs of the test servers
//                                    (http://127.0.0.1:P/api/auth ...); each gets the redirect
//                                    URIs <base>/callback/oidc and <base>/callback/oidc-form, and
//                                    the same with localhost for 127.0.0.1 (next-auth 5 in Next.js
//                                    builds its callback URL from localhost)
//
// Plain http: both Auth.js versions accept an http issuer (@auth/core passes
// oauth4webapi's allowInsecureRequests, next-auth 4's openid-client never refused it).
// The signing key is generated at start: nothing is fetched, nothing is stored.
//
// Routes besides oidc-provider's own (/.well-known/openid-configuration, /auth, /token, ...):
//   GET  /api/health                      200 {"ok":true} (the launcher's readiness poll)
//   GET  /interaction/:uid                the login page (form: login, password) or the
//                                         consent page (forms: confirm and abort)
//   POST /interaction/:uid/login          login=<user>&password=<password>
//   POST /interaction/:uid/confirm        grants the requested scopes
//   POST /interaction/:uid/abort          access_denied back to the client
//   GET  /__token-requests?code=CODE      {"count":n,"total":N}: token-endpoint requests that
//                                         carried CODE (and all of them): did a server redeem it?

import { generateKeyPairSync } from "node:crypto";
import http from "node:http";

import Provider from "oidc-provider";

import { OIDC_CLIENT } from "../common/testapp.mjs";

/** The two accounts (password login on the login page). */
const ACCOUNTS = {
  dana: {
    password: "dana-password",
    claims: {
      sub: "oidc-dana",
      name: "Dana Scully",
      email: "dana@oidc.example",
      email_verified: true,
    },
  },
  erin: {
    password: "erin-password",
    claims: {
      sub: "oidc-erin",
      name: "Erin Hale",
      email: "erin@oidc.example",
      email_verified: true,
    },
  },
};
const BY_SUB = new Map(Object.values(ACCOUNTS).map((a) => [a.claims.sub, a]));

const { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } = OIDC_CLIENT;

const port = Number.parseInt(process.env.PORT ?? "", 10);
if (!Number.isInteger(port) || port <= 0) {
  console.error("PORT must be set to a TCP port number");
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

const redirectUris = [];
for (const base of (process.env.AUTHJS_OIDC_CALLBACK_BASES ?? "").split(/\s+/).filter(Boolean)) {
  const bases = [base];
  if (base.includes("//127.0.0.1:")) bases.push(base.replace("//127.0.0.1:", "//localhost:"));
  for (const b of bases) {
    redirectUris.push(`${b}/callback/oidc`, `${b}/callback/oidc-form`);
  }
}
if (redirectUris.length === 0) {
  console.error("AUTHJS_OIDC_CALLBACK_BASES must name at least one auth base URL");
  process.exit(2);
}

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: "jwk" }), kid: "authjs-test", use: "sig", alg: "RS256" };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: redirectUris,
      response_types: ["code"],
      grant_types: ["authorization_code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: ["authjs-test-oidc-cookie-key"] },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name"],
  },
  // The claims in the ID token as well: @auth/core reads an OIDC profile from it.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, sub) {
    const account = BY_SUB.get(sub);
    if (!account) return undefined;
    return { accountId: sub, claims: async () => ({ ...account.claims }) };
  },
  // No refresh tokens, short codes: nothing the tests need outlives a run.
  ttl: { AuthorizationCode: 120, IdToken: 600, AccessToken: 600, Interaction: 600, Session: 600, Grant: 600 },
  renderError(ctx, out) {
    ctx.type = "html";
    ctx.body = `<!doctype html><title>oidc error</title><p id="error">${escapeHtml(out.error)}</p>`;
  },
});

// Token-endpoint requests by authorization code, counted after the route ran (its
// params are parsed then), whatever it answered.
const tokenRequests = new Map();
let tokenTotal = 0;
provider.use(async (ctx, next) => {
  try {
    await next();
  } finally {
    if (ctx.oidc?.route === "token") {
      tokenTotal += 1;
      const code = ctx.oidc.params?.code;
      if (typeof code === "string") tokenRequests.set(code, (tokenRequests.get(code) ?? 0) + 1);
    }
  }
});

function escapeHtml(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>\n`;
}

function loginPage(uid, message) {
  return page(
    "Sign in to the test OpenID provider",
    `${message ? `<p id="message">${escapeHtml(message)}</p>` : ""}
<form id="login" method="post" action="/interaction/${escapeHtml(uid)}/login">
<input name="login" autocomplete="username"><input name="password" type="password">
<button type="submit">Sign in</button></form>
<form id="abort" method="post" action="/interaction/${escapeHtml(uid)}/abort"><button type="submit">Cancel</button></form>`,
  );
}

function consentPage(uid, clientId, scopes) {
  return page(
    "Consent",
    `<p>${escapeHtml(clientId)} asks for: <span id="scopes">${escapeHtml(scopes)}</span></p>
<form id="confirm" method="post" action="/interaction/${escapeHtml(uid)}/confirm"><button type="submit">Allow</button></form>
<form id="abort" method="post" action="/interaction/${escapeHtml(uid)}/abort"><button type="submit">Deny</button></form>`,
  );
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on("data", (c) => {
      size += c.length;
      if (size > 64 * 1024) {
        reject(new Error("body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(new URLSearchParams(Buffer.concat(chunks).toString("utf8"))));
    req.on("error", reject);
  });
}

function send(res, status, type, body) {
  res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" });
  res.end(body);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    send(res, 400, "text/html", page("error", "<p>interaction mismatch</p>"));
    return;
  }
  const { prompt, params } = details;
  if (req.method === "GET" && !action) {
    const html =
      prompt.name === "login"
        ? loginPage(uid)
        : consentPage(uid, params.client_id, String(params.scope ?? ""));
    send(res, 200, "text/html; charset=utf-8", html);
    return;
  }
  if (req.method !== "POST") {
    send(res, 405, "text/plain", "method not allowed");
    return;
  }
  const form = await readForm(req);
  if (action === "abort") {
    await provider.interactionFinished(
      req,
      res,
      { error: "access_denied", error_description: "End-User aborted interaction" },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  if (action === "login" && prompt.name === "login") {
    const account = Object.hasOwn(ACCOUNTS, form.get("login") ?? "")
      ? ACCOUNTS[form.get("login")]
      : null;
    if (!account || form.get("password") !== account.password) {
      send(res, 200, "text/html; charset=utf-8", loginPage(uid, "Invalid login or password."));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: account.claims.sub } }, {
      mergeWithLastSubmission: false,
    });
    return;
  }
  if (action === "confirm" && prompt.name === "consent") {
    const accountId = details.session?.accountId;
    let grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId: params.client_id });
    const missing = prompt.details ?? {};
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(" "));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, {
      mergeWithLastSubmission: true,
    });
    return;
  }
  send(res, 400, "text/html", page("error", "<p>unexpected step</p>"));
}

const oidcHandler = provider.callback();

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", issuer);
  try {
    if (url.pathname === "/api/health") {
      send(res, 200, "application/json", JSON.stringify({ ok: true }));
      return;
    }
    if (url.pathname === "/__token-requests") {
      const code = url.searchParams.get("code") ?? "";
      send(res, 200, "application/json", JSON.stringify({ count: tokenRequests.get(code) ?? 0, total: tokenTotal }));
      return;
    }
    const m = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|confirm|abort))?$/.exec(url.pathname);
    if (m) {
      await interaction(req, res, m[1], m[2]);
      return;
    }
    oidcHandler(req, res);
  } catch (err) {
    console.error("oidc test server:", err?.name, err?.message);
    if (!res.headersSent) send(res, 400, "text/html", page("error", `<p id="error">${escapeHtml(err?.name)}</p>`));
    else res.end();
  }
});

server.listen(port, "127.0.0.1", () => {
  console.log(`oidc-provider test server listening on ${issuer} (${redirectUris.length} redirect URIs)`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections?.();
    process.exit(0);
  });
}
