import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
// tests/servers/ is the root so that ../common/testapp.mjs (shared with the other
// servers) can be bundled. Next.js 13 keeps these options under `experimental`.
const root = path.resolve(here, "..");

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  experimental: { externalDir: true, outputFileTracingRoot: root },
};

export default nextConfig;
