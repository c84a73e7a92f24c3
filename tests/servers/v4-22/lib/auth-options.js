// .js, not .mjs: webpack (Next.js 13) honours __esModule of the CommonJS next-auth
// providers only for "javascript/auto" modules; from .mjs their default import is the module object.
import CredentialsProvider from "next-auth/providers/credentials";
import GithubProvider from "next-auth/providers/github";
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
} from "../../common/testapp.mjs";

/**
 * The test OpenID provider as next-auth 4 configures a generic OIDC provider: discovery
 * through `wellKnown` (at the first OAuth request, not at load), the profile from the
 * ID token (`idToken: true`), and every check next-auth 4 knows.
 */
const v4OidcFields = (issuer) => ({
  type: "oauth",
  wellKnown: `${issuer}/.well-known/openid-configuration`,
  idToken: true,
  profile: (p) => ({ id: p.sub, name: p.name, email: p.email, image: null }),
});

// Session strategy and pages come from the environment at run time (see
// common/testapp.mjs), so one build serves the jwt, database and custom-pages servers.
/** @type {import("next-auth").AuthOptions} */
export const authOptions = {
  secret: process.env.NEXTAUTH_SECRET,
  adapter: createMemoryAdapter(),
  session: { strategy: sessionStrategy() },
  pages: customPages(),
  providers: [
    CredentialsProvider({
      id: "credentials",
      name: "Credentials",
      credentials: CREDENTIALS_FIELDS,
      authorize: (credentials) => authorizeCredentials(credentials),
    }),
    emailProvider(),
    GithubProvider(GITHUB_OPTIONS),
    ...oidcProviders(v4OidcFields),
  ],
  callbacks: {
    jwt: jwtCallback,
    session: sessionCallback,
  },
};
