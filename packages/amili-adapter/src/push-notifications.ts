/**
 * Signed push notifications: HMAC-SHA256 of "<timestamp>.<raw body>" in X-Webhook-Signature, a
 * timestamp window against replays of old captures, and the delivery's idempotency key handed back so
 * the caller can drop repeated deliveries (which it must remember; this function keeps no state).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { rfc1123ToIso } from './money-and-dates';
import { wirePushNotification } from './wire';

/** How far a notification's timestamp may be from now, either way (seconds), unless the caller says otherwise. */
export const PUSH_TOLERANCE_SECONDS = 300;

export type HeaderBag = Headers | Record<string, string | readonly string[] | undefined>;

export interface PushVerificationInput {
  headers: HeaderBag;
  /** The body exactly as received: re-serialised JSON would not match the signature. */
  rawBody: string | Uint8Array;
  secret: string;
  now: Date | number;
  toleranceSeconds?: number;
}

export type PushVerification =
  | { ok: true; partnerCaseId: string; idempotencyKey: string; updatedAt?: string; etag?: string }
  | { ok: false; reason: string };

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return headers.get(name) ?? undefined;
  const bag = headers as Record<string, string | readonly string[] | undefined>;
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : bag[key];
  return typeof value === 'string' ? value : value?.[0];
}

export function verifyPushNotification(input: PushVerificationInput): PushVerification {
  const { secret, toleranceSeconds = PUSH_TOLERANCE_SECONDS } = input;
  if (!secret) return { ok: false, reason: 'No webhook secret is configured.' };
  const timestamp = header(input.headers, 'x-webhook-timestamp')?.trim();
  const signature = header(input.headers, 'x-webhook-signature')?.trim();
  const idempotencyKey = header(input.headers, 'x-idempotency-key')?.trim();
  if (!timestamp || !signature || !idempotencyKey)
    return { ok: false, reason: 'The notification lacks X-Webhook-Timestamp, X-Webhook-Signature or X-Idempotency-Key.' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'X-Webhook-Timestamp is not a number of seconds.' };

  const m = /^sha256=([0-9a-f]{64})$/i.exec(signature);
  if (!m) return { ok: false, reason: "X-Webhook-Signature is not 'sha256=<64 hex digits>'." };
  const body = typeof input.rawBody === 'string' ? Buffer.from(input.rawBody, 'utf8') : Buffer.from(input.rawBody);
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
  // Both are 32 bytes here (the pattern above), so timingSafeEqual cannot throw on a length mismatch.
  if (!timingSafeEqual(expected, Buffer.from(m[1], 'hex'))) return { ok: false, reason: 'The signature does not match.' };

  // Checked after the signature, so the timestamp is the partner's and not a forger's.
  const nowSeconds = Math.floor((typeof input.now === 'number' ? input.now : input.now.getTime()) / 1000);
  const age = nowSeconds - Number(timestamp);
  if (Math.abs(age) > toleranceSeconds)
    return { ok: false, reason: `The notification's timestamp is ${age} s from now, outside the ${toleranceSeconds} s window.` };

  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, reason: 'The notification body is not JSON.' };
  }
  const parsed = wirePushNotification.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'The notification body does not name a case.' };
  return {
    ok: true,
    partnerCaseId: parsed.data.case,
    idempotencyKey,
    ...(parsed.data._updated ? { updatedAt: rfc1123ToIso(parsed.data._updated) } : {}),
    ...(parsed.data._etag ? { etag: parsed.data._etag } : {}),
  };
}

/** The signature the partner would send; for tests and for a sandbox speaking the same contract. */
export function signPushNotification(rawBody: string, secret: string, timestampSeconds: number): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${rawBody}`).digest('hex')}`;
}
