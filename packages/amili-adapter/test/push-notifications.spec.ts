import { createHmac } from 'node:crypto';
import { signPushNotification, verifyPushNotification } from '../src/push-notifications';

const SECRET = 'whsec-test';
const NOW = Date.parse('2026-11-25T12:00:00Z');
const TS = String(NOW / 1000);
const BODY = '{"event":"case.updated","case":"c_1","_updated":"Wed, 25 Nov 2026 11:59:58 GMT","_etag":"e7"}';

const sign = (body: string, timestamp: string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

function headers(overrides: Record<string, string | undefined> = {}) {
  return {
    'x-webhook-timestamp': TS,
    'x-webhook-signature': sign(BODY, TS),
    'x-idempotency-key': 'n-1',
    ...overrides,
  };
}

describe('verifyPushNotification', () => {
  it('accepts a correctly signed, recent notification and names the case and the delivery key', () => {
    expect(verifyPushNotification({ headers: headers(), rawBody: BODY, secret: SECRET, now: NOW })).toEqual({
      ok: true,
      partnerCaseId: 'c_1',
      idempotencyKey: 'n-1',
      updatedAt: '2026-11-25T11:59:58.000Z',
      etag: 'e7',
    });
  });

  it('signs the way it verifies (for a sender speaking the same contract)', () => {
    expect(signPushNotification(BODY, SECRET, NOW / 1000)).toBe(sign(BODY, TS));
  });

  it('reads headers case-insensitively, from a Headers object or a Buffer body', () => {
    const h = new Headers({ 'X-Webhook-Timestamp': TS, 'X-Webhook-Signature': sign(BODY, TS), 'X-Idempotency-Key': 'n-2' });
    expect(verifyPushNotification({ headers: h, rawBody: Buffer.from(BODY), secret: SECRET, now: new Date(NOW) })).toMatchObject({ ok: true, idempotencyKey: 'n-2' });
    const upper = { 'X-Webhook-Timestamp': TS, 'X-Webhook-Signature': sign(BODY, TS).toUpperCase().replace('SHA256', 'sha256'), 'X-Idempotency-Key': ['n-3'] };
    expect(verifyPushNotification({ headers: upper, rawBody: BODY, secret: SECRET, now: NOW })).toMatchObject({ ok: true, idempotencyKey: 'n-3' });
  });

  it('refuses a bad signature', () => {
    const wrongSecret = verifyPushNotification({ headers: headers({ 'x-webhook-signature': sign(BODY, TS, 'other') }), rawBody: BODY, secret: SECRET, now: NOW });
    expect(wrongSecret).toEqual({ ok: false, reason: 'The signature does not match.' });
    const malformed = verifyPushNotification({ headers: headers({ 'x-webhook-signature': 'sha256=abc' }), rawBody: BODY, secret: SECRET, now: NOW });
    expect(malformed).toEqual({ ok: false, reason: "X-Webhook-Signature is not 'sha256=<64 hex digits>'." });
  });

  it('refuses a tampered body, and a signature moved to another timestamp', () => {
    const tampered = BODY.replace('c_1', 'c_2');
    expect(verifyPushNotification({ headers: headers(), rawBody: tampered, secret: SECRET, now: NOW })).toMatchObject({ ok: false, reason: 'The signature does not match.' });
    const later = String(NOW / 1000 + 10);
    expect(verifyPushNotification({ headers: headers({ 'x-webhook-timestamp': later }), rawBody: BODY, secret: SECRET, now: NOW })).toMatchObject({ ok: false });
  });

  it('refuses an old (or future) timestamp outside the window, even when correctly signed', () => {
    const old = String(NOW / 1000 - 301);
    const result = verifyPushNotification({ headers: headers({ 'x-webhook-timestamp': old, 'x-webhook-signature': sign(BODY, old) }), rawBody: BODY, secret: SECRET, now: NOW });
    expect(result).toEqual({ ok: false, reason: "The notification's timestamp is 301 s from now, outside the 300 s window." });
    const edge = String(NOW / 1000 - 300);
    expect(verifyPushNotification({ headers: headers({ 'x-webhook-timestamp': edge, 'x-webhook-signature': sign(BODY, edge) }), rawBody: BODY, secret: SECRET, now: NOW }).ok).toBe(true);
    const future = String(NOW / 1000 + 120);
    const signed = { 'x-webhook-timestamp': future, 'x-webhook-signature': sign(BODY, future) };
    expect(verifyPushNotification({ headers: headers(signed), rawBody: BODY, secret: SECRET, now: NOW, toleranceSeconds: 60 }).ok).toBe(false);
  });

  it('refuses a notification without its headers, a secret, or a case', () => {
    expect(verifyPushNotification({ headers: headers({ 'x-idempotency-key': undefined }), rawBody: BODY, secret: SECRET, now: NOW }).ok).toBe(false);
    expect(verifyPushNotification({ headers: headers({ 'x-webhook-timestamp': 'soon' }), rawBody: BODY, secret: SECRET, now: NOW }).ok).toBe(false);
    expect(verifyPushNotification({ headers: headers(), rawBody: BODY, secret: '', now: NOW })).toEqual({ ok: false, reason: 'No webhook secret is configured.' });
    const noCase = '{"event":"case.updated"}';
    expect(verifyPushNotification({ headers: headers({ 'x-webhook-signature': sign(noCase, TS) }), rawBody: noCase, secret: SECRET, now: NOW })).toEqual({
      ok: false,
      reason: 'The notification body does not name a case.',
    });
  });
});
