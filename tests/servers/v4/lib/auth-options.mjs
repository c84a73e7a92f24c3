import CredentialsProvider from "next-auth/providers/credentials";
import GithubProvider from "next-auth/providers/github";
import {
  CREDENTIALS_FIELDS,
  GITHUB_OPTIONS,
  authorizeCredentials,
  createMemoryAdapter,
  emailProvider,
  jwtCallback,
  sessionCallback,
} from "../../common/testapp.mjs";

/** @type {import("next-auth").AuthOptions} */
export const authOptions = {
  secret: process.env.NEXTAUTH_SECRET,
  adapter: createMemoryAdapter(),
  session: { strategy: "jwt" },
  providers: [
    CredentialsProvider({
      id: "credentials",
      name: "Credentials",
      credentials: CREDENTIALS_FIELDS,
      authorize: (credentials) => authorizeCredentials(credentials),
    }),
    emailProvider(),
    GithubProvider(GITHUB_OPTIONS),
  ],
  callbacks: {
    jwt: jwtCallback,
    session: sessionCallback,
  },
};
