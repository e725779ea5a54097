/**
 * A typed HTTP client for the partner on Node's global fetch: API key, per-attempt timeout, retries
 * with exponential backoff and full jitter, one Idempotency-Key for all attempts of a POST, and a
 * circuit breaker so a partner outage costs us one fast failure per call instead of a pile-up.
 */
import { createHash } from 'node:crypto';
import { type z } from 'zod';
import { PartnerProtocolError, PartnerRefusedError, PartnerUnavailableError, type UnavailableReason } from './errors';
import { wireError } from './wire';

export interface PartnerLogger {
  warn(message: string, details?: Record<string, unknown>): void;
}

export const consoleLogger: PartnerLogger = {
  warn: (message, details) => console.warn(`[amili-adapter] ${message}`, details ?? ''),
};

export interface PartnerHttpClientOptions {
  /** Per attempt, headers and body included. */
  timeoutMs?: number;
  /** Attempts after the first one, for transient failures only. */
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Consecutive transient failures (attempts, across calls) that open the circuit. */
  breakerThreshold?: number;
  /** How long the circuit stays open before one probe is let through. */
  breakerCooldownMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1), for the jitter. */
  random?: () => number;
  /** Epoch milliseconds, for the breaker. */
  now?: () => number;
  fetch?: typeof globalThis.fetch;
  logger?: PartnerLogger;
}

export interface PartnerHttpClientConfig extends PartnerHttpClientOptions {
  baseUrl: string;
  apiKey: string;
}

export const DEFAULT_CLIENT_OPTIONS = {
  timeoutMs: 5000,
  retries: 4,
  baseDelayMs: 200,
  maxDelayMs: 5000,
  breakerThreshold: 5,
  breakerCooldownMs: 10_000,
} as const;

export type Query = Record<string, string | number | undefined>;

export interface GetOptions {
  query?: Query;
}

export interface PostOptions<T> {
  /** The same key on every attempt of this call; derived from the path and body when absent. */
  idempotencyKey?: string;
  /** Reads an answer that is a refusal despite HTTP 2xx (`status: "error"`): its messages, or null. */
  refusalOf?: (answer: T) => readonly string[] | null;
}

export type BreakerState = 'closed' | 'open' | 'half_open';

type Transient =
  | { kind: 'unavailable'; reason: Exclude<UnavailableReason, 'circuit_open'>; detail: string; httpStatus?: number; retryAfterMs?: number; cause?: unknown }
  | { kind: 'protocol'; problem: string; httpStatus?: number };

type Attempt<T> = { ok: true; value: T } | { ok: false; failure: Transient };

interface CallSpec<T> {
  method: 'GET' | 'POST';
  path: string;
  query?: Query;
  body?: string;
  idempotencyKey?: string;
  schema: z.ZodType<T>;
  notFoundAsNull: boolean;
  refusalOf?: (answer: T) => readonly string[] | null;
}

/** Closed → (threshold consecutive transient failures) → open → (cooldown) → half-open: one probe. */
class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private probing = false;

  constructor(
    private readonly threshold: number,
    private readonly cooldownMs: number,
    private readonly now: () => number,
  ) {}

  get state(): BreakerState {
    if (this.openedAt === null) return 'closed';
    return this.now() - this.openedAt >= this.cooldownMs ? 'half_open' : 'open';
  }

  /** Whether an attempt may go out now; in half-open, only the first asker gets through. */
  admit(): { admitted: true; probe: boolean } | { admitted: false; detail: string } {
    const state = this.state;
    if (state === 'closed') return { admitted: true, probe: false };
    if (state === 'half_open' && !this.probing) {
      this.probing = true;
      return { admitted: true, probe: true };
    }
    const detail =
      state === 'open'
        ? `the circuit is open after ${this.failures} consecutive failures`
        : 'the circuit is half-open and a probe request is already under way';
    return { admitted: false, detail };
  }

  /** The partner answered (even a refusal is an answer). */
  succeeded(): void {
    this.failures = 0;
    this.openedAt = null;
    this.probing = false;
  }

  failed(probe: boolean): boolean {
    this.failures += 1;
    const opens = probe || this.failures >= this.threshold;
    if (opens) this.openedAt = this.now();
    if (probe) this.probing = false;
    return opens;
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class PartnerHttpClient {
  private readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly options: Required<Omit<PartnerHttpClientOptions, 'fetch'>> & { fetch: typeof globalThis.fetch };
  private readonly breaker: CircuitBreaker;
  private answered = 0;

  constructor(config: PartnerHttpClientConfig) {
    const { baseUrl, apiKey, ...rest } = config;
    if (!/^https?:\/\//.test(baseUrl)) throw new RangeError(`The partner's base URL must be http(s): ${JSON.stringify(baseUrl)}`);
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.apiKey = apiKey;
    const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as PartnerHttpClientOptions;
    this.options = {
      ...DEFAULT_CLIENT_OPTIONS,
      sleep: defaultSleep,
      random: Math.random,
      now: Date.now,
      logger: consoleLogger,
      // Looked up per client, not at import, so a test or a proxy can replace the global.
      fetch: (...args) => globalThis.fetch(...args),
      ...defined,
    };
    this.breaker = new CircuitBreaker(this.options.breakerThreshold, this.options.breakerCooldownMs, this.options.now);
  }

  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  /** How many answers the partner has given this client (refusals too): grows once it can be reached. */
  get answers(): number {
    return this.answered;
  }

  async get<T>(path: string, schema: z.ZodType<T>, options: GetOptions = {}): Promise<T> {
    return (await this.call({ method: 'GET', path, query: options.query, schema, notFoundAsNull: false })) as T;
  }

  /** Like `get`, but a 404 (unknown resource) is null rather than a refusal. */
  async getOrNull<T>(path: string, schema: z.ZodType<T>, options: GetOptions = {}): Promise<T | null> {
    return this.call({ method: 'GET', path, query: options.query, schema, notFoundAsNull: true });
  }

  async post<T>(path: string, body: unknown, schema: z.ZodType<T>, options: PostOptions<T> = {}): Promise<T> {
    const text = JSON.stringify(body);
    const idempotencyKey = options.idempotencyKey ?? defaultIdempotencyKey(path, text);
    return (await this.call({ method: 'POST', path, body: text, idempotencyKey, schema, notFoundAsNull: false, refusalOf: options.refusalOf })) as T;
  }

  private async call<T>(spec: CallSpec<T>): Promise<T | null> {
    const operation = `${spec.method} ${spec.path}`;
    const { retries, baseDelayMs, maxDelayMs } = this.options;
    let last: Transient | undefined;
    let attempts = 0;
    for (let retry = 0; retry <= retries; retry++) {
      if (last) {
        // Full jitter (AWS architecture blog): uniform in [0, min(max, base·2^n)], so clients that
        // failed together do not come back together. A Retry-After from the partner is a floor.
        const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
        const jittered = Math.floor(this.options.random() * ceiling);
        const floor = last.kind === 'unavailable' && last.retryAfterMs !== undefined ? Math.min(last.retryAfterMs, maxDelayMs) : 0;
        await this.options.sleep(Math.max(jittered, floor));
      }
      const admission = this.breaker.admit();
      if (!admission.admitted) {
        if (!last) throw new PartnerUnavailableError({ operation, reason: 'circuit_open', attempts, detail: admission.detail });
        break; // the circuit opened during our retries: give up with what we saw
      }
      attempts += 1;
      let outcome: Attempt<T | null>;
      try {
        outcome = await this.attempt(spec, operation);
      } catch (error) {
        // A refusal is an answer; anything else thrown (a bug of ours) must not leave a probe hanging.
        if (error instanceof PartnerRefusedError) this.answeredNow();
        else this.breaker.failed(admission.probe);
        throw error;
      }
      if (outcome.ok) {
        this.answeredNow();
        return outcome.value;
      }
      last = outcome.failure;
      const opened = this.breaker.failed(admission.probe);
      this.options.logger.warn(`Partner call ${operation} failed (attempt ${attempts}): ${describe(last)}`, {
        operation,
        attempt: attempts,
        ...(spec.idempotencyKey ? { idempotencyKey: spec.idempotencyKey } : {}),
        ...(opened ? { circuit: 'opened' } : {}),
      });
    }
    // `last` is set: the loop runs at least once and only leaves without returning after a failure.
    const failure = last as Transient;
    if (failure.kind === 'protocol')
      throw new PartnerProtocolError({ operation, problem: failure.problem, attempts, httpStatus: failure.httpStatus });
    throw new PartnerUnavailableError({
      operation,
      reason: failure.reason,
      attempts,
      detail: failure.detail,
      httpStatus: failure.httpStatus,
      cause: failure.cause,
    });
  }

  private answeredNow(): void {
    this.answered += 1;
    this.breaker.succeeded();
  }

  /** One request: a value, a transient failure to retry, or a thrown refusal. */
  private async attempt<T>(spec: CallSpec<T>, operation: string): Promise<Attempt<T | null>> {
    const { timeoutMs } = this.options;
    const url = this.url(spec.path, spec.query);
    const headers: Record<string, string> = { accept: 'application/json', 'x-api-key': this.apiKey };
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    if (spec.idempotencyKey) headers['idempotency-key'] = spec.idempotencyKey;

    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await this.options.fetch(url, { method: spec.method, headers, body: spec.body, signal });
      text = await response.text(); // the timeout covers the body too: a stalled body is a timeout
    } catch (error) {
      if (signal.aborted) return transient({ kind: 'unavailable', reason: 'timeout', detail: `no answer within ${timeoutMs} ms`, cause: error });
      return transient({ kind: 'unavailable', reason: 'network', detail: networkDetail(error), cause: error });
    }

    const status = response.status;
    if (status === 404 && spec.notFoundAsNull) return { ok: true, value: null };
    if (status === 408 || status === 429 || status >= 500) {
      return transient({
        kind: 'unavailable',
        reason: 'http_status',
        detail: `HTTP ${status}${errorMessageOf(text) ? `: ${errorMessageOf(text)}` : ''}`,
        httpStatus: status,
        retryAfterMs: retryAfterMs(response.headers.get('retry-after'), this.options.now()),
      });
    }
    if (status >= 400) throw refusalFrom(operation, status, text);
    if (status < 200 || status >= 300) return transient({ kind: 'protocol', problem: `unexpected HTTP status ${status}`, httpStatus: status });

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return transient({ kind: 'protocol', problem: `the body is not JSON (${JSON.stringify(text.slice(0, 80))})`, httpStatus: status });
    }
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) return transient({ kind: 'protocol', problem: summariseIssues(parsed.error), httpStatus: status });
    const refusal = spec.refusalOf?.(parsed.data);
    if (refusal) {
      throw new PartnerRefusedError({
        operation,
        httpStatus: status,
        partnerMessage: refusal.length ? refusal.join('; ') : 'the partner answered "error" without a message',
        messages: refusal,
      });
    }
    return { ok: true, value: parsed.data };
  }

  private url(path: string, query?: Query): string {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) search.set(key, String(value));
    const qs = search.toString();
    return `${this.baseUrl}${path.startsWith('/') ? path : `/${path}`}${qs ? `?${qs}` : ''}`;
  }
}

const transient = (failure: Transient): { ok: false; failure: Transient } => ({ ok: false, failure });

function describe(failure: Transient): string {
  return failure.kind === 'protocol' ? `answer does not match the contract: ${failure.problem}` : failure.detail;
}

/** Key for a POST whose caller gave none: the same body to the same path is the same logical call. */
export function defaultIdempotencyKey(path: string, bodyText: string): string {
  return `pm-${createHash('sha256').update(`POST ${path}\n${bodyText}`).digest('hex')}`;
}

function networkDetail(error: unknown): string {
  // undici reports 'fetch failed' and puts the reason (ECONNRESET, "other side closed") in `cause`.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = (cause as { code?: string } | undefined)?.code;
  const base = error instanceof Error ? error.message : String(error);
  return `the connection failed (${[base, cause?.message, code].filter(Boolean).join(': ')})`;
}

function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function errorMessageOf(text: string): string | undefined {
  try {
    const parsed = wireError.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data._error?.message : undefined;
  } catch {
    return undefined;
  }
}

function refusalFrom(operation: string, status: number, text: string): PartnerRefusedError {
  let message: string | undefined;
  let issues: Record<string, string> = {};
  try {
    const parsed = wireError.safeParse(JSON.parse(text));
    if (parsed.success) {
      message = parsed.data._error?.message;
      issues = Object.fromEntries(
        Object.entries(parsed.data._issues ?? {}).map(([field, problem]) => [field, typeof problem === 'string' ? problem : JSON.stringify(problem)]),
      );
    }
  } catch {
    // Not Eve's error body (an HTML page from a proxy): the status says enough.
  }
  return new PartnerRefusedError({ operation, httpStatus: status, partnerMessage: message ?? `HTTP ${status}`, issues });
}

function summariseIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 5).map((issue) => `${issue.path.length ? issue.path.join('.') : '(body)'}: ${issue.message}`);
  const more = error.issues.length > 5 ? ` and ${error.issues.length - 5} more` : '';
  return shown.join('; ') + more;
}
