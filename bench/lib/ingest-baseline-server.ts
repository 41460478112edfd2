// The ingest benchmark's baseline: the least a capture endpoint can do — a bare node:http server
// that streams the request body to a file, fsyncs and renames it, and inserts one row (PGlite in
// this process, or PostgreSQL). Run as its own process: `tsx bench/lib/ingest-baseline-server.ts PORT DIR [DATABASE_URL]`.
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, rename } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

const [portText, dir, databaseUrl] = process.argv.slice(2);
const port = Number(portText);
await mkdir(path.join(dir!, "files"), { recursive: true });

type Insert = (id: string, size: number) => Promise<void>;
let insert: Insert;
const ddl = `CREATE TABLE IF NOT EXISTS upload (id text PRIMARY KEY, size int NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`;
if (databaseUrl) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  await pool.query(ddl);
  insert = async (id, size) => void (await pool.query("INSERT INTO upload (id, size) VALUES ($1, $2)", [id, size]));
} else {
  const db = await PGlite.create(path.join(dir!, "pglite"));
  await db.exec(ddl);
  insert = async (id, size) => void (await db.query("INSERT INTO upload (id, size) VALUES ($1, $2)", [id, size]));
}

const server = http.createServer(async (req, res) => {
  if (req.method === "GET") {
    res.end("ok");
    return;
  }
  try {
    const id = randomUUID();
    const temp = path.join(dir!, "files", `${id}.tmp`);
    let size = 0;
    req.on("data", (chunk: Buffer) => (size += chunk.length));
    await pipeline(req, createWriteStream(temp));
    const handle = await open(temp, "r+");
    await handle.sync();
    await handle.close();
    await rename(temp, path.join(dir!, "files", id));
    await insert(id, size);
    res.writeHead(201, { "content-type": "application/json" });
    res.end(JSON.stringify({ id, size }));
  } catch (error) {
    res.writeHead(500);
    res.end(String(error));
  }
});
server.listen(port, "127.0.0.1", () => console.log(`baseline listening on ${port}`));
