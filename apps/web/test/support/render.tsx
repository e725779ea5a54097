/**
 * Renders a screen with the app's providers and a fake API: `routes` answer requests by "METHOD /path"
 * (the path without the query), with a body or a function of the request. Every request is recorded, with
 * its headers (the If-Match a command carried).
 */
import { render } from '@testing-library/react';
import { type ReactElement } from 'react';
import { createApi } from '../../src/api/client';
import { type LiveEvent, type LiveListener, LiveConnection } from '../../src/api/live';
import { AppProvider } from '../../src/app/context';
import { I18nProvider, type Language } from '../../src/i18n/i18n';

export type FakeAnswer = { status?: number; body?: unknown } | ((request: { url: URL; method: string; body: unknown }) => { status?: number; body?: unknown } | Promise<{ status?: number; body?: unknown }>);

export class FakeLive extends LiveConnection {
  private readonly subscribers = new Set<LiveListener>();
  constructor() {
    super('test-token');
  }
  override subscribe(listener: LiveListener): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }
  override close(): void {}
  /** Delivers an event as the server would. */
  push(event: LiveEvent): void {
    for (const listener of this.subscribers) listener(event);
  }
}

export const COMPANY = {
  companyId: 'c-1',
  organisationNumber: '556677-8899',
  name: 'Demo Bygg & Service AB',
  country: 'SE',
  address: { line1: 'Verkstadsgatan 4', postalCode: '411 04', city: 'Göteborg', country: 'SE' },
  fromLegacyService: false,
  bankgiro: '5677-5612',
  activation: { active: true, termsVersion: '2026-1', acceptedTermsVersion: '2026-1', acceptedBy: 'u1', acceptedAt: '2026-11-01T10:00:00Z', activationNeeded: null },
  portalUrl: 'http://partner.test/portal',
  partnerCreditorId: 'cr_1',
};

export function renderWithApp(ui: ReactElement, routes: Record<string, FakeAnswer> = {}, options: { language?: Language } = {}) {
  const requests: Array<{ method: string; path: string; query: URLSearchParams; body: unknown; headers: Headers }> = [];
  const all: Record<string, FakeAnswer> = { 'GET /api/company': { body: COMPANY }, ...routes };
  const fetch = async (input: Request): Promise<Response> => {
    const url = new URL(input.url);
    const text = input.method === 'GET' ? '' : await input.clone().text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // multipart or text: kept as it came
    }
    requests.push({ method: input.method, path: url.pathname, query: url.searchParams, body, headers: input.headers });
    const answer = all[`${input.method} ${url.pathname}`];
    if (!answer) return new Response(JSON.stringify({ code: 'TEST.NO_ROUTE', message: `No fake route for ${input.method} ${url.pathname}` }), { status: 404, headers: { 'content-type': 'application/json' } });
    const { status = 200, body: out } = typeof answer === 'function' ? await answer({ url, method: input.method, body }) : answer;
    return new Response(out === undefined ? null : JSON.stringify(out), { status, headers: { 'content-type': 'application/json' } });
  };
  const api = createApi(() => 'test-token', () => undefined, 'http://localhost', fetch);
  const live = new FakeLive();
  const session = { token: 'test-token', name: 'Anna Testsson', expiresAt: null };
  const result = render(
    <I18nProvider language={options.language ?? 'sv'}>
      <AppProvider session={session} onSignedOut={() => undefined} api={api} live={live}>
        {ui}
      </AppProvider>
    </I18nProvider>,
  );
  /** The POSTs whose path ends with `suffix`, in order. */
  const posts = (suffix: string) => requests.filter((r) => r.method === 'POST' && r.path.endsWith(suffix));
  return { ...result, requests, posts, live };
}
