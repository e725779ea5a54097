/**
 * PGlite on its own thread (`pglite-worker.cjs` in a `worker_threads` worker), seen from the caller's thread.
 *
 * Why: PGlite is PostgreSQL compiled to WASM and runs wherever it is called. On the API's thread each statement
 * and the API's own JavaScript (validation, JSON, hashing, HTTP) take turns on one core; on its own thread the
 * database runs while the API handles the next requests, on the other core. Measured: sends over HTTP on PGlite
 * went from 173 to about 600–750/s. The price is a round trip between the threads per statement (~80 µs, rows
 * copied by structured clone), which one caller sending statement after statement pays (BENCHMARKS.md).
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';

/** What the database thread answers: rows, or an error rebuilt from its fields (code, constraint, …). */
interface Reply {
  id: number;
  result?: unknown;
  error?: Record<string, unknown> & { message: string; name?: string };
}
interface Notification {
  notify: number;
  payload: string;
}

interface Waiting {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** The embedded database's thread stopped (a crash of the WASM runtime, or out of memory): nothing more can run. */
export class EmbeddedStoreStoppedError extends Error {
  readonly code = 'STORE.STOPPED';
  constructor(reason: string) {
    super(`The embedded store stopped: ${reason}`);
    this.name = 'EmbeddedStoreStoppedError';
  }
}

export class PGliteThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private readonly listeners = new Map<number, (payload: string) => void>();
  private nextId = 1;
  private stopped: EmbeddedStoreStoppedError | undefined;

  private constructor(
    dataDir: string | undefined,
    private readonly onStopped: (error: EmbeddedStoreStoppedError) => void,
  ) {
    // The same file runs from the sources and from dist (the build copies it beside this module).
    this.worker = new Worker(join(__dirname, 'pglite-worker.cjs'), { workerData: { dataDir } });
    // Only a statement in flight keeps the process alive, as a socket would; an idle database does not.
    this.worker.unref();
    this.worker.on('message', (message: Reply | Notification) => {
      if ('notify' in message) return this.listeners.get(message.notify)?.(message.payload);
      const waiting = this.waiting.get(message.id);
      if (!waiting) return;
      this.settled(message.id);
      if (message.error) waiting.reject(rebuilt(message.error));
      else waiting.resolve(message.result);
    });
    this.worker.on('error', (error) => this.stop(error.message));
    this.worker.on('exit', (code) => this.stop(`its thread exited (code ${code})`));
  }

  /** Starts the thread and opens the database in it (about 2 s and 0.45 GB, as on the caller's thread). */
  static async open(dataDir: string | undefined, onStopped: (error: EmbeddedStoreStoppedError) => void = () => undefined): Promise<PGliteThread> {
    const thread = new PGliteThread(dataDir, onStopped);
    try {
      await thread.request({ op: 'open' });
    } catch (error) {
      thread.stopped = new EmbeddedStoreStoppedError('it did not open');
      await thread.worker.terminate();
      throw error;
    }
    return thread;
  }

  request<T>(message: Record<string, unknown>): Promise<T> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    if (this.waiting.size === 0) this.worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      try {
        this.worker.postMessage({ ...message, id });
      } catch (error) {
        // A parameter that cannot be copied to the other thread (a function, a symbol): nothing was sent.
        this.settled(id);
        reject(error as Error);
      }
    });
  }

  /** Registers a LISTEN's handler under a fresh id (the thread sends its notifications under it). */
  onNotify(handler: (payload: string) => void): number {
    const id = this.nextId++;
    this.listeners.set(id, handler);
    return id;
  }

  forget(listener: number): void {
    this.listeners.delete(listener);
  }

  /** A fresh id, for a transaction. */
  id(): number {
    return this.nextId++;
  }

  async close(): Promise<void> {
    try {
      await this.request({ op: 'close' });
    } finally {
      this.stopped ??= new EmbeddedStoreStoppedError('it was closed');
      await this.worker.terminate();
    }
  }

  private settled(id: number): void {
    this.waiting.delete(id);
    if (this.waiting.size === 0) this.worker.unref();
  }

  private stop(reason: string): void {
    const unexpected = !this.stopped;
    this.stopped ??= new EmbeddedStoreStoppedError(reason);
    for (const [id, waiting] of this.waiting) {
      this.settled(id);
      waiting.reject(this.stopped);
    }
    // Said once, loudly, unless it was closed on purpose: from here on every statement fails (health answers 503).
    if (unexpected) {
      console.error(`[sql] the embedded store stopped: ${reason}`);
      this.onStopped(this.stopped);
    }
  }
}

/** An error of the database thread as an Error of this one: its message and PostgreSQL's fields; this thread's stack. */
function rebuilt(fields: NonNullable<Reply['error']>): Error {
  const { message, name, ...rest } = fields;
  const error = Object.assign(new Error(message), rest);
  if (name) error.name = name;
  return error;
}
