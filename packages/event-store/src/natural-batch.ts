/**
 * Natural batching: at most `maxInFlight` runs at once, and what arrives while they run waits and goes in the
 * next run, together. There is no timer: a request that finds a free slot runs at once, alone, so an idle
 * store answers as fast as before; under load, requests that queue behind a running statement share the
 * next one. Each statement saved is a round trip, a socket write on both sides and a statement's overhead in
 * the server: under the HTTP benchmark most of the CPU a command costs.
 */
export interface NaturalBatchOptions<Request> {
  /** Runs at once (default 2: one can be on the wire while the next one's requests gather). */
  maxInFlight?: number;
  /** A request's share of a batch's capacity (default 1). */
  weightOf?: (request: Request) => number;
  /** A batch's capacity (default 256); a request heavier than that runs alone. */
  maxWeight?: number;
  /** Whether `request` may go in a batch that already holds `batch` (default: always); one that may not waits for a later run. */
  canJoin?: (batch: readonly Request[], request: Request) => boolean;
}

interface Waiting<Request, Result> {
  request: Request;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

export class NaturalBatcher<Request, Result> {
  private queue: Waiting<Request, Result>[] = [];
  private inFlight = 0;
  private readonly maxInFlight: number;
  private readonly weightOf: (request: Request) => number;
  private readonly maxWeight: number;
  private readonly canJoin: (batch: readonly Request[], request: Request) => boolean;

  /**
   * `run` answers a batch's requests in their order (one result each); when it throws, every request of the
   * batch fails with that error.
   */
  constructor(
    private readonly run: (requests: readonly Request[]) => Promise<readonly Result[]>,
    options: NaturalBatchOptions<Request> = {},
  ) {
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 2);
    this.weightOf = options.weightOf ?? (() => 1);
    this.maxWeight = options.maxWeight ?? 256;
    this.canJoin = options.canJoin ?? (() => true);
  }

  submit(request: Request): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      this.inFlight++;
      const settle = (): void => {
        this.inFlight--;
        this.pump();
      };
      let running: Promise<readonly Result[]>;
      try {
        running = this.run(batch.map((waiting) => waiting.request));
      } catch (error) {
        running = Promise.reject(error);
      }
      running.then(
        (results) => {
          settle();
          if (results.length !== batch.length) {
            const error = new Error(`A batch of ${batch.length} requests got ${results.length} results`);
            for (const waiting of batch) waiting.reject(error);
          } else batch.forEach((waiting, i) => waiting.resolve(results[i]!));
        },
        (error: unknown) => {
          settle();
          for (const waiting of batch) waiting.reject(error);
        },
      );
    }
  }

  /** The next batch, in arrival order: what fits and may join; the rest keeps its place in the queue. */
  private take(): Waiting<Request, Result>[] {
    const batch: Waiting<Request, Result>[] = [];
    const requests: Request[] = [];
    const rest: Waiting<Request, Result>[] = [];
    let weight = 0;
    for (const waiting of this.queue) {
      const w = this.weightOf(waiting.request);
      if (batch.length > 0 && (weight + w > this.maxWeight || !this.canJoin(requests, waiting.request))) {
        rest.push(waiting);
        continue;
      }
      batch.push(waiting);
      requests.push(waiting.request);
      weight += w;
    }
    this.queue = rest;
    return batch;
  }
}
