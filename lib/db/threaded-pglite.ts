// The embedded database in a worker thread. PGlite runs PostgreSQL as WebAssembly on the thread
// that calls it: every statement (an upload's insert with its triggers, a dashboard's report) would
// otherwise run on the server's main thread, between the requests it serves. Here a worker thread
// owns the PGlite instance and the main thread holds `ThreadedPGlite`, a PGlite client built on
// PGlite's own base class (query, exec, transaction, parsers, serializers), whose protocol calls
// cross to the worker as messages. The main thread keeps PGlite's two locks (queries and
// transactions), so the worker runs one protocol exchange at a time, as an in-process PGlite does.
// Database errors come back as PGlite's DatabaseError with every field (code, constraint, …), which
// Prisma's adapter and our callers read.
import { Worker } from "node:worker_threads";
import { messages, Mutex, PGlite } from "@electric-sql/pglite";

type ExecProtocolOptions = { syncToFs?: boolean; throwOnError?: boolean };
type ExecProtocolResult = { messages: messages.BackendMessage[]; data: Uint8Array };
type SerializedError = { name: string; message: string; fields: Record<string, unknown> };

// The worker: CommonJS run from source (no file to bundle or resolve), loading PGlite from the
// application's node_modules. One message per call: { id, method, args } → { id, result | error }.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { PGlite } = require("@electric-sql/pglite");
const serializeError = (error) => ({
  name: (error && error.name) || "Error",
  message: String((error && error.message) || error),
  fields: error && typeof error === "object" ? Object.fromEntries(Object.entries(error).filter(([, v]) => typeof v !== "function")) : {},
});
let db;
const CALLS = {
  // The messages are what the client parses; the raw bytes are not sent along.
  execProtocol: async (message, options) => (await db.execProtocol(message, options)).messages,
  execProtocolRaw: (message, options) => db.execProtocolRaw(message, options),
  syncToFs: () => db.syncToFs(),
  _handleBlob: (blob) => db._handleBlob(blob),
  _getWrittenBlob: () => db._getWrittenBlob(),
  _cleanupBlob: () => db._cleanupBlob(),
  close: () => db.close(),
};
parentPort.on("message", async ({ id, method, args }) => {
  try {
    if (!Object.hasOwn(CALLS, method)) throw new Error("threaded PGlite: unknown call " + method);
    const result = await CALLS[method](...args);
    parentPort.postMessage({ id, result }, method === "execProtocolRaw" ? [result.buffer] : []);
  } catch (error) {
    parentPort.postMessage({ id, error: serializeError(error) });
  }
});
PGlite.create(workerData.dataDir, { startParams: workerData.startParams }).then(
  (created) => { db = created; parentPort.postMessage({ ready: true }); },
  (error) => parentPort.postMessage({ ready: false, error: serializeError(error) }),
);
`;

/** PGlite's base class (not exported by name): query, exec, transaction, describeQuery, parsers, serializers. */
const BasePGlite = Object.getPrototypeOf(PGlite) as abstract new () => object;

function toError(serialized: SerializedError): Error {
  if (serialized.name === "error" && typeof serialized.fields.length === "number") {
    // A PostgreSQL error: PGlite's DatabaseError, with severity, code, detail, constraint, …
    const error = new messages.DatabaseError(serialized.message, serialized.fields.length as number, "error");
    return Object.assign(error, serialized.fields);
  }
  return Object.assign(new Error(serialized.message), { name: serialized.name });
}

export class ThreadedPGlite extends BasePGlite {
  debug = 0;
  readonly waitReady: Promise<void>;
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private isReady = false;
  private isClosed = false;
  private failure: Error | null = null;
  private readonly queryMutex = new Mutex();
  private readonly transactionMutex = new Mutex();

  private constructor(dataDir: string | undefined, startParams: readonly string[]) {
    super();
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { dataDir, startParams: [...startParams] }, name: "parallax-pglite" });
    // The thread keeps the process alive only while a call waits for it (as an in-process database
    // would not keep it alive at all): a script that ends without closing still exits.
    this.waitReady = new Promise<void>((resolve, reject) => {
      this.worker.on("message", (message: { ready?: boolean; id?: number; result?: unknown; error?: SerializedError }) => {
        if (message.ready !== undefined) {
          if (message.ready) resolve();
          else reject(toError(message.error!));
          return;
        }
        const call = this.pending.get(message.id!);
        if (!call) return;
        this.pending.delete(message.id!);
        if (this.pending.size === 0) this.worker.unref();
        if (message.error) call.reject(toError(message.error));
        else call.resolve(message.result);
      });
      this.worker.on("error", (error) => this.fail(error, reject));
      this.worker.on("exit", (code) => this.fail(new Error(`the embedded database's thread exited (code ${code})`), reject));
    });
  }

  /** Starts the worker, opens the database in it, and reads its array types, as PGlite.create does. */
  static async create(dataDir: string | undefined, options: { startParams: readonly string[] }): Promise<PGlite> {
    const db = new ThreadedPGlite(dataDir, options.startParams);
    await db.waitReady;
    db.isReady = true;
    db.worker.unref();
    // As PGlite does once ready: parsers and serializers for the database's array types.
    await (db as unknown as PGlite)._initArrayTypes();
    return db as unknown as PGlite;
  }

  private fail(error: Error, rejectStart: (error: Error) => void) {
    if (this.isClosed) return;
    this.failure = error;
    rejectStart(error);
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
  }

  private call<T>(method: string, ...args: unknown[]): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ id, method, args });
    });
  }

  get ready(): boolean {
    return this.isReady && !this.isClosed;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  async execProtocol(message: Uint8Array, options: ExecProtocolOptions = {}): Promise<ExecProtocolResult> {
    // Callbacks (onNotice) stay here: notices are not forwarded.
    const list = await this.call<messages.BackendMessage[]>("execProtocol", message, { syncToFs: options.syncToFs, throwOnError: options.throwOnError });
    return { messages: list, data: new Uint8Array(0) };
  }

  async execProtocolRaw(message: Uint8Array, options: ExecProtocolOptions = {}): Promise<Uint8Array> {
    return this.call<Uint8Array>("execProtocolRaw", message, { syncToFs: options.syncToFs });
  }

  async execProtocolStream(message: Uint8Array, options: ExecProtocolOptions = {}): Promise<messages.BackendMessage[]> {
    return (await this.execProtocol(message, options)).messages;
  }

  async execProtocolRawStream(): Promise<void> {
    throw new Error("threaded PGlite: streamed protocol output is not supported");
  }

  async syncToFs(): Promise<void> {
    await this.call("syncToFs");
  }

  async _handleBlob(blob?: Blob): Promise<void> {
    await this.call("_handleBlob", blob);
  }

  async _getWrittenBlob(): Promise<Blob | undefined> {
    return this.call<Blob | undefined>("_getWrittenBlob");
  }

  async _cleanupBlob(): Promise<void> {
    await this.call("_cleanupBlob");
  }

  async _checkReady(): Promise<void> {
    if (this.isClosed) throw new Error("PGlite is closed");
    await this.waitReady;
  }

  _runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T> {
    return this.queryMutex.runExclusive(fn);
  }

  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.transactionMutex.runExclusive(fn);
  }

  async listen(): Promise<never> {
    throw new Error("threaded PGlite: LISTEN is not supported");
  }

  async unlisten(): Promise<never> {
    throw new Error("threaded PGlite: LISTEN is not supported");
  }

  onNotification(): never {
    throw new Error("threaded PGlite: LISTEN is not supported");
  }

  offNotification(): never {
    throw new Error("threaded PGlite: LISTEN is not supported");
  }

  async dumpDataDir(): Promise<never> {
    throw new Error("threaded PGlite: dumpDataDir is not supported");
  }

  /** Waits for the statement in flight, closes the database (a clean shutdown) and ends the thread. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    await this.transactionMutex.runExclusive(() =>
      this.queryMutex.runExclusive(async () => {
        try {
          await this.call("close");
        } finally {
          this.isClosed = true;
          await this.worker.terminate();
        }
      }),
    );
  }
}
