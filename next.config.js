// Next.js configuration. Packages with native code or WebAssembly files stay outside the server
// bundle; PARALLAX_DIST_DIR lets tests and parallel builds use their own output folder.
import { readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));

/** @type {import('next').NextConfig} */
const nextConfig = {
  distDir: process.env.PARALLAX_DIST_DIR || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "onnxruntime-node", "sharp", "pg", "@prisma/adapter-pg"],
  env: { PARALLAX_VERSION: pkg.version },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

export default nextConfig;
