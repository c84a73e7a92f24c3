export default function Home() {
  return <main>next-auth v4 test server for the authjs native client.</main>;
}
