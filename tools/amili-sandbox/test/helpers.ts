/** Test harness: a sandbox in-process on a random port, spoken to over real HTTP with fetch. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox, type Sandbox, type SandboxOptions } from '../src';
import { luhnCheckDigit } from '../src/identity';

export const DAY_MS = 86_400_000;
export const API_KEY = 'test-api-key';

export interface Response<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export interface Harness {
  sandbox: Sandbox;
  url: string;
  dataDir: string;
  call<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response<T>>;
  /** Closes the sandbox, keeping the data directory. */
  stop(): Promise<void>;
  /** Closes the sandbox and removes its data directory. */
  dispose(): Promise<void>;
}

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'amili-sandbox-'));
}

export async function startSandbox(options: Partial<SandboxOptions> = {}): Promise<Harness> {
  const dataDir = options.dataDir ?? (await tempDir());
  // A long tick: the tests drive the lifecycle through requests and clock advances, deterministically.
  const sandbox = await createSandbox({ apiKey: API_KEY, tickMs: 60_000, ...options, dataDir });
  const url = await sandbox.listen(0, '127.0.0.1');
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await sandbox.close();
  };
  return {
    sandbox,
    url,
    dataDir,
    call: (method, path, body, headers) => call(url, method, path, body, { 'x-api-key': sandbox.apiKey, ...headers }),
    stop,
    dispose: async () => {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function call<T = any>(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response<T>> {
  const response = await fetch(base + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('application/json')) parsed = JSON.parse(text);
  return { status: response.status, body: parsed as T, headers: response.headers, text };
}

/** A valid organisationsnummer from a 9-digit stem (Luhn check digit appended). */
export function orgNumber(stem = '556703748'): string {
  const digits = stem + luhnCheckDigit(stem);
  return `${digits.slice(0, 6)}-${digits.slice(6)}`;
}

export function creditorBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    organization_number: orgNumber(),
    name: 'Byggfirman AB',
    address: { address_line_1: 'Storgatan 1', zip_code: '11122', city: 'Stockholm', country: 'SE' },
    reminder_fee_agreed: true,
    ...overrides,
  };
}

export async function createCreditor(h: Harness, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await h.call('POST', '/creditors', creditorBody(overrides));
  if (res.status !== 201 && res.status !== 200) throw new Error(`creditor: ${res.status} ${res.text}`);
  return res.body._id as string;
}

/** `Thu, 01 Oct 2026 00:00:00 GMT` for the UTC day of `ms`. */
export function rfcDay(ms: number): string {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS).toUTCString();
}

export function epochDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

export interface DebtOptions {
  invoiceNumber?: string;
  capital?: number;
  /** How many days ago the invoice fell due (by the sandbox clock). */
  overdueDays?: number;
  reminderFeeCharged?: number;
}

export function registrationBody(
  creditor: string,
  options: DebtOptions & { isCompany?: boolean; idNumber?: string; name?: string; firstAction?: string; now: number },
): Record<string, any> {
  const dueDays = 30;
  const invoiceDayMs = options.now - ((options.overdueDays ?? 10) + dueDays) * DAY_MS;
  return {
    creditor,
    first_action: options.firstAction ?? 'reminder',
    currency: 'SEK',
    customer: {
      name: options.name ?? 'Kalle Svensson',
      id_number: options.idNumber ?? (options.isCompany ? orgNumber('556036079') : '198112189876'),
      is_company: options.isCompany ?? false,
      address: { address_line_1: 'Lillgatan 2', zip_code: '22233', city: 'Lund', country: 'SE' },
      email: 'kalle@example.se',
      mobile_number: null,
    },
    debts: [
      {
        invoice_number: options.invoiceNumber ?? '1001',
        debt_description: `Faktura ${options.invoiceNumber ?? '1001'}`,
        invoice_date: rfcDay(invoiceDayMs),
        capital_to_claim: options.capital ?? 1250.0,
        invoice_due_days_after_invoice_date: dueDays,
        reminder_fee_charged: options.reminderFeeCharged ?? 0,
      },
    ],
  };
}

/** Registers one debt and returns its case id. */
export async function registerCase(
  h: Harness,
  creditor: string,
  options: DebtOptions & { isCompany?: boolean; idNumber?: string; name?: string; firstAction?: string } = {},
): Promise<string> {
  const res = await h.call('POST', '/case--registrations', registrationBody(creditor, { ...options, now: h.sandbox.clock.now().getTime() }));
  if (res.status !== 201) throw new Error(`registration: ${res.status} ${res.text}`);
  return res.body.cases[0]._id as string;
}

export async function advance(h: Harness, days: number): Promise<number> {
  const res = await h.call('POST', '/_sandbox/clock/advance', { days });
  if (res.status !== 200) throw new Error(`advance: ${res.status} ${res.text}`);
  return Date.parse(res.body.now);
}

export async function getCase(h: Harness, id: string): Promise<any> {
  const res = await h.call('GET', `/cases/${id}`);
  if (res.status !== 200) throw new Error(`case: ${res.status} ${res.text}`);
  return res.body;
}

/** Dröjsmålsränta as the sandbox computes it, for a rate constant over the period (actual/365, half up). */
export function expectedInterestOre(capitalOre: number, rateBasisPoints: number, days: number): number {
  return Math.round((capitalOre * rateBasisPoints * days) / 3_650_000);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A small deterministic generator (mulberry32): random test data that a failing seed replays. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
