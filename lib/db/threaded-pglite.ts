// The embedded database in a worker thread. PGlite runs PostgreSQL as WebAssembly on the thread
// that calls it: every statement (an upload's insert with its triggers, a dashboard's report) would
// otherwise run on the server's main thread, between the requests it serves. Here a worker thread
// owns the PGlite instance and the main thread holds `ThreadedPGlite`, a PGlite client built on
// PGlite's own base class (query, exec, transaction, parsers, serializers), whose calls cross to the
// worker as messages. The worker runs one call at a time, in the order they arrive.
//
// A statement outside a transaction (query, exec, a prepared statement) is ONE call: the worker
// parses, binds, executes and syncs it itself and sends back PostgreSQL's messages, which the main
// thread turns into rows with its type parsers (Prisma's included). It is sent as soon as nothing
// else holds the connection (no open transaction, no exchange of several calls in flight), and the
// locks are not held while it runs: the next statement queues behind it in the worker instead of
// waiting for this one's answer to reach a busy main thread. (Holding them for the round trip made
// that link the uploads' bottleneck: busy 95 % of the time at ~200 uploads/s, with answers waiting
// up to 5–13 ms for the main thread.) Transactions keep PGlite's own path: one protocol call per
// step, under the main thread's two locks (queries and transactions), so nothing else runs inside
// them. Database errors come back as PGlite's DatabaseError with every field (code, constraint, …),
// which Prisma's adapter and our callers read.
import { Worker } from "node:worker_threads";
import { messages, Mutex, parse, PGlite, type QueryOptions, type Results } from "@electric-sql/pglite";

type ExecProtocolOptions = { syncToFs?: boolean; throwOnError?: boolean };
type ExecProtocolResult = { messages: messages.BackendMessage[]; data: Uint8Array };
type SerializedError = { name: string; message: string; fields: Record<string, unknown> };

// The worker: CommonJS run from source (no file to bundle or resolve), loading PGlite from the
// application's node_modules. One message per call: { id, method, args } → { id, result | error }.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { PGlite, protocol } = require("@electric-sql/pglite");
const { serialize } = protocol;
const serializeError = (error) => ({
  name: (error && error.name) || "Error",
  message: String((error && error.message) || error),
  fields: error && typeof error === "object" ? Object.fromEntries(Object.entries(error).filter(([, v]) => typeof v !== "function")) : {},
});
let db;
const step = async (message) => (await db.execProtocol(message, { syncToFs: false })).messages;
const parameterTypes = (list) => (list.find((m) => m.name === "parameterDescription") || { dataTypeIDs: [] }).dataTypeIDs;
/** Named statements prepared in this session: their parameter types. */
const prepared = new Map();
// One exchange as PGlite's query() and exec() run it: the steps, then Sync even after an error,
// then the files synced. Returns the messages for the caller to parse.
// (Each step's list is kept whole and joined at the end: a result can hold far more rows than
// push(...list) takes arguments.)
async function exchange(steps) {
  const lists = [];
  let failure;
  try {
    await steps(lists);
  } catch (error) {
    failure = error;
  } finally {
    lists.push(await step(serialize.sync()));
  }
  if (failure) throw failure;
  await db.syncToFs();
  return lists.flat();
}
// One statement as PGlite's query() runs it (parse, describe, bind, describe, execute), or bound to
// a statement prepared once under a name; parameters serialised by their types with PGlite's serialisers.
const runStatement = (text, params, paramTypes, name) =>
  exchange(async (lists) => {
    let types = name ? prepared.get(name) : undefined;
    if (name && !types) {
      types = parameterTypes(await step(Buffer.concat([serialize.parse({ name, text }), serialize.describe({ type: "S", name }), serialize.sync()])));
      prepared.set(name, types);
    } else if (!name) {
      lists.push(await step(serialize.parse({ text, types: paramTypes })));
      types = parameterTypes(await step(serialize.describe({ type: "S" })));
    }
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const toText = db.serializers[types[i]];
      return toText ? toText(value) : value.toString();
    });
    lists.push(await step(serialize.bind({ statement: name, values })));
    lists.push(await step(serialize.describe({ type: "P" })));
    lists.push(await step(serialize.execute({})));
  });
// Statements without parameters (simple query protocol), as PGlite's exec() runs them.
const runScript = (text) => exchange(async (lists) => lists.push(await step(serialize.query(text))));
const CALLS = {
  statement: runStatement,
  script: runScript,
  // The messages are what the client parses; the raw bytes are not sent along.
  execProtocol: async (message, options) => (await db.execProtocol(message, options)).messages,
  execProtocolRaw: (message, options) => db.execProtocolRaw(message, options),
  syncToFs: () => db.syncToFs(),
  _handleBlob: (blob) => db._handleBlob(blob),
  _getWrittenBlob: () => db._getWrittenBlob(),
  _cleanupBlob: () => db._cleanupBlob(),
  close: () => db.close(),
};
async function handle({ id, method, args }) {
  try {
    if (!Object.hasOwn(CALLS, method)) throw new Error("threaded PGlite: unknown call " + method);
    const result = await CALLS[method](...args);
    parentPort.postMessage({ id, result }, method === "execProtocolRaw" ? [result.buffer] : []);
  } catch (error) {
    parentPort.postMessage({ id, error: serializeError(error) });
  }
}
// One call at a time, in the order they arrive: a statement sent while another runs waits here.
let queue = Promise.resolve();
parentPort.on("message", (message) => {
  queue = queue.then(() => handle(message));
});
PGlite.create(workerData.dataDir, { startParams: workerData.startParams }).then(
  (created) => { db = created; parentPort.postMessage({ ready: true }); },
  (error) => parentPort.postMessage({ ready: false, error: serializeError(error) }),
);
`;

/** PGlite's base class (not exported by name): query, exec, transaction, describeQuery, parsers, serializers. */
const BasePGlite = Object.getPrototypeOf(PGlite) as abstract new () => object;
/** Its query() and exec(), for what one call cannot carry (serialiser functions, COPY's blobs). */
const baseStatements = BasePGlite.prototype as unknown as Pick<PGlite, "query" | "exec">;

/** As PGlite's query() reports a failed statement: the DatabaseError with the query, its parameters and options. */
function withStatement(error: unknown, query: string, params: unknown[] | undefined, options: QueryOptions | undefined): unknown {
  if (error instanceof messages.DatabaseError) Object.assign(error, { query, params, queryOptions: options });
  return error;
}

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

  /** Calls sent to the worker and not answered yet. */
  get callsInFlight(): number {
    return this.pending.size;
  }

  get ready(): boolean {
    return this.isReady && !this.isClosed;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Sends a call once nothing holds the connection, without holding it while the worker runs the call (see the top of this file). */
  private async sendInOrder<T>(method: string, ...args: unknown[]): Promise<T> {
    const sent = await this.transactionMutex.runExclusive(() => this.queryMutex.runExclusive(async () => ({ answer: this.call<T>(method, ...args) })));
    return sent.answer;
  }

  /** A statement or script run in the worker in one call; a failure reported as PGlite's query() reports it. */
  private async runInWorker(method: "statement" | "script", args: unknown[], query: string, params: unknown[] | undefined, options: QueryOptions | undefined): Promise<messages.BackendMessage[]> {
    await this._checkReady();
    return this.sendInOrder<messages.BackendMessage[]>(method, ...args).catch((error: unknown) => {
      throw withStatement(error, query, params, options);
    });
  }

  private get typeParsers(): PGlite["parsers"] {
    return (this as unknown as PGlite).parsers;
  }

  /** PGlite's query() in one call to the worker (see the top of this file). */
  async query<T>(query: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    if (options?.serializers || options?.blob) return baseStatements.query.call(this as unknown as PGlite, query, params, options) as Promise<Results<T>>;
    const list = await this.runInWorker("statement", [query, params ?? [], options?.paramTypes, undefined], query, params, options);
    return parse.parseResults(list, this.typeParsers, options)[0] as Results<T>;
  }

  /** PGlite's exec() in one call to the worker. */
  async exec(query: string, options?: QueryOptions): Promise<Results[]> {
    if (options?.serializers || options?.blob) return baseStatements.exec.call(this as unknown as PGlite, query, options);
    return parse.parseResults(await this.runInWorker("script", [query], query, undefined, options), this.typeParsers, options);
  }

  /**
   * A named prepared statement in one call: prepared (parsed and planned) in the worker the first
   * time, then only bound and executed. A name always stands for the same text.
   */
  async queryPrepared<T>(name: string, query: string, params: unknown[]): Promise<Results<T>> {
    const list = await this.runInWorker("statement", [query, params, undefined, name], query, params, undefined);
    return parse.parseResults(list, this.typeParsers)[0] as Results<T>;
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
