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
  experimental: {
    // Route modules load on their first request instead of all at start: the idle server stays
    // smaller (a lab laptop runs it next to everything else; export's peak RSS budget is 300 MB).
    preloadEntriesOnStart: false,
  },
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
      // In-browser inference (lib/inference/browser): pages that run it are cross-origin isolated so
      // multi-threaded WASM works; the runtime files under /ort/<version>/ never change.
      ...["/lab/:path*", "/join/:path*"].map((source) => ({
        source,
        headers: [
          { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
          { key: "Cross-Origin-Embedder-Policy", value: "require-corp" },
        ],
      })),
      {
        source: "/ort/:path*",
        headers: [
          { key: "Cache-Control", value: "public, max-age=31536000, immutable" },
          { key: "Cross-Origin-Resource-Policy", value: "same-origin" },
          // ORT's threads are workers started from these files: an isolated page only runs workers that opt in too.
          { key: "Cross-Origin-Embedder-Policy", value: "require-corp" },
        ],
      },
      {
        // The inference Web Worker is a Next.js chunk; under an isolated page it must carry COEP as well.
        source: "/_next/static/:path*",
        headers: [
          { key: "Cross-Origin-Embedder-Policy", value: "require-corp" },
          { key: "Cross-Origin-Resource-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
