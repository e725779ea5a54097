/**
 * The signed-in user: a bearer token the host platform's single sign-on (or `pnpm admin login-url`)
 * hands over in the URL fragment (`#token=…`, which no server ever sees). It is kept in this browser
 * tab's session storage and removed from the address bar at once, so it is neither bookmarked nor
 * shared by copying the URL.
 */
const KEY = 'pm.token';

export interface Session {
  token: string;
  /** The user's name when the token carries one. */
  name: string | null;
  /** Expiry, epoch milliseconds. */
  expiresAt: number | null;
}

function decode(token: string): { name?: unknown; exp?: unknown } | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as { name?: unknown; exp?: unknown };
  } catch {
    return null;
  }
}

export function sessionFrom(token: string): Session | null {
  const claims = decode(token);
  if (!claims) return null;
  const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  if (expiresAt !== null && expiresAt <= Date.now()) return null;
  return { token, name: typeof claims.name === 'string' ? claims.name : null, expiresAt };
}

/** Takes a token from the fragment (and clears it from the address bar), else the one kept in this tab. */
export function startSession(location: Location = window.location, storage: Storage = window.sessionStorage): Session | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    const token = decodeURIComponent(match[1]);
    storage.setItem(KEY, token);
    window.history.replaceState(window.history.state, '', location.pathname + location.search);
  }
  const kept = storage.getItem(KEY);
  const session = kept ? sessionFrom(kept) : null;
  if (kept && !session) storage.removeItem(KEY);
  return session;
}

export function endSession(storage: Storage = window.sessionStorage): void {
  storage.removeItem(KEY);
}
