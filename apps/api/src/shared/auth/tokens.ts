/** Bearer tokens: HS256 JWTs with the company and the role. Shared by the API and the admin tool. */
import jwt from 'jsonwebtoken';
import { type KeyObject, createHash, createSecretKey } from 'node:crypto';

export type Role = 'user' | 'admin';

export interface TokenClaims {
  /** The user (or operator) id: becomes the actor of the events they cause. */
  sub: string;
  role: Role;
  /** Company id; absent for an operator token. */
  company?: string;
  name?: string;
}

const ISSUER = 'paminnelsehantering';

export function signToken(secret: string, claims: TokenClaims, expiresIn: jwt.SignOptions['expiresIn'] = '12h'): string {
  return jwt.sign(claims, secret, { algorithm: 'HS256', issuer: ISSUER, expiresIn });
}

/**
 * The secret as a KeyObject, made once per secret. Given a string, jsonwebtoken first tries to read it as a
 * public key and throws, on every verification: about a tenth of the API's CPU per command (`pnpm bench http`).
 */
const secretKeys = new Map<string, KeyObject>();
function secretKey(secret: string): KeyObject {
  let key = secretKeys.get(secret);
  if (!key) {
    if (secretKeys.size >= 16) secretKeys.clear();
    key = createSecretKey(Buffer.from(secret));
    secretKeys.set(secret, key);
  }
  return key;
}

/**
 * Tokens verified lately, by secret and exact token text (signature included, so a forged token never
 * matches), until they expire: a client sends the same token with every request, and verifying it again
 * (decode, HMAC, claims) was a few per cent of the API's CPU per command (`pnpm bench http`).
 */
const verified = new Map<string, { claims: TokenClaims; expiresAtMs: number }>();
const VERIFIED_MAX = 10_000;

export function verifyToken(secret: string, token: string): TokenClaims {
  const key = `${secret.length}:${secret}:${token}`;
  const known = verified.get(key);
  if (known && Date.now() < known.expiresAtMs) return known.claims;
  if (known) verified.delete(key);
  const claims = verifyTokenNow(secret, token);
  const { exp } = jwt.decode(token) as { exp?: unknown };
  if (typeof exp === 'number') {
    if (verified.size >= VERIFIED_MAX) verified.clear();
    verified.set(key, { claims, expiresAtMs: exp * 1000 });
  }
  return claims;
}

function verifyTokenNow(secret: string, token: string): TokenClaims {
  const payload = jwt.verify(token, secretKey(secret), { algorithms: ['HS256'], issuer: ISSUER });
  if (typeof payload !== 'object' || payload === null) throw new Error('Token payload is not an object');
  const { sub, role, company, name } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || (role !== 'user' && role !== 'admin')) throw new Error('Token lacks sub or role');
  if (role === 'user' && typeof company !== 'string') throw new Error('A user token must name a company');
  return { sub, role, company: typeof company === 'string' ? company : undefined, name: typeof name === 'string' ? name : undefined };
}

/**
 * A company's id is derived from its organisation number, so the same company can never be registered
 * twice (its stream name is taken) and a token can be minted from the number alone.
 */
export function companyIdFor(organisationNumber: string): string {
  const digits = organisationNumber.replace(/\D/g, '').replace(/^16(?=\d{10}$)/, '');
  return stableId('company', digits);
}

/** A UUID-shaped id derived from its parts: the same parts always name the same thing. */
export function stableId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join(':')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A URL that signs its holder in to the web app: the token travels in the fragment, which no server sees. */
export function loginUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/#token=${encodeURIComponent(token)}`;
}
