// For people who have Prisma's schema engine: `prisma migrate deploy` reads this.
// Parallax itself applies prisma/migrations with its own runner (lib/db/migrate.ts).
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "./prisma/schema.prisma",
  migrations: { path: "./prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/parallax" },
});
