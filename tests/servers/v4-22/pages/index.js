export default function Home() {
  return <main>next-auth 4.22 test server for the authjs native client.</main>;
}
