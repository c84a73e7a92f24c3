// next-auth 5 configuration of the App Router test server: the same users,
// providers and callbacks as every other test server (common/testapp.mjs).
//
// Read at run time: AUTH_SECRET, AUTH_URL (set by the launcher), AUTHJS_MAIL_DIR,
// AUTHJS_TEST_SESSION_STRATEGY and AUTHJS_TEST_PAGES_SIGNIN / _ERROR, so one
// `next build` serves the http, https, database and custom-pages servers.

import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";

import {
  CREDENTIALS_FIELDS,
  GITHUB_OPTIONS,
  authorizeCredentials,
  createMemoryAdapter,
  customPages,
  emailProvider,
  jwtCallback,
  sessionCallback,
  sessionStrategy,
  oidcProviders,
} from "../common/testapp.mjs";

/**
 * The test OpenID provider as @auth/core configures an OIDC provider: discovery from
 * `issuer` (at the first OAuth request, not at load), the profile from the ID token,
 * and every check @auth/core knows (its default for OIDC is PKCE alone).
 */
const v5OidcFields = () => ({ type: "oidc" });

export const { handlers, auth } = NextAuth({
  trustHost: true,
  adapter: createMemoryAdapter(),
  session: { strategy: sessionStrategy() },
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
});

/** The session of the request, or a 401 response to return. */
export async function requireSession() {
  const session = await auth();
  if (!session || !session.user) {
    return { response: Response.json({ error: "unauthenticated" }, { status: 401 }) };
  }
  return { session };
}
