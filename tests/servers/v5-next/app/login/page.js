// Target of the custom `pages.signIn` / `pages.error` variants. The client never
// follows these URLs (it reads them), but a browser would land here.
export default function Login() {
  return <main>custom sign-in page of the authjs test server</main>;
}
